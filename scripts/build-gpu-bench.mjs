// Packs the bench for a machine with a real GPU and no npm: one esbuild bundle with everything
// but `webgpu` and `benchmark` inlined (gradwgsl, its WGSL, tfjs), plus the files those two load
// at run time (`benchmark` breaks when bundled: it looks lodash up at run time). Run it there from the repository root with
//   node .gpu/app/bench.mjs --results-dir "$OUT"
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const app = '.gpu/app';
rmSync(app, { recursive: true, force: true });
await build({
  entryPoints: ['bench/main.ts'],
  outfile: join(app, 'bench.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', 'benchmark'],
  loader: { '.wgsl': 'text' },
  // Inlined CommonJS packages (tfjs, benchmark) call require() for Node built-ins.
  banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  logLevel: 'warning',
});
for (const file of ['index.js', 'package.json', `dist/${process.platform}-${process.arch}/dawn.node`]) {
  const to = join(app, 'node_modules/webgpu', file);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join('node_modules/webgpu', file), to);
}
for (const pkg of ['benchmark', 'lodash', 'platform']) cpSync(join('node_modules', pkg), join(app, 'node_modules', pkg), { recursive: true });
console.log(`wrote ${app}/bench.mjs and ${app}/node_modules/webgpu (Dawn for ${process.platform}-${process.arch})`);
