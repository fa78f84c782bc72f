// Builds what the npm package ships, into dist/: the four public entries and the CLI as ES
// modules (esbuild: shared code split into dist/chunks, so `gradwgsl/node` and `gradwgsl` share
// one engine; WGSL inlined as text; npm packages left as imports), and their type declarations
// (tsc, dist/types). With --bench, the benchmarks instead (dist/bench.mjs, dist/fhe-bench.mjs).
//   node scripts/build.mjs [--no-types | --bench]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'no-types': { type: 'boolean', default: false }, bench: { type: 'boolean', default: false } } });

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'node20'],
  packages: 'external',
  loader: { '.wgsl': 'text' },
  sourcemap: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
};

if (values.bench) {
  // Each benchmark is one self-contained bundle; it imports the engine's sources directly.
  await build({ ...common, platform: 'node', entryPoints: { bench: 'bench/main.ts', 'fhe-bench': 'bench/fhe-main.ts' } });
  process.exit(0);
}

/** package.json `exports` entry → its source; the CLI (bin/gradwgsl.mjs) rides along. */
const ENTRIES = {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  fhe: 'src/fhe/index.ts',
  experiments: 'src/experiments/index.ts',
  cli: 'src/cli/main.ts',
};

rmSync(join(root, 'dist', 'chunks'), { recursive: true, force: true });
// Platform neutral: the same files serve Node and browser bundlers. The engine imports Dawn
// (npm `webgpu`) only where navigator.gpu is missing, and package.json's `browser` field tells
// bundlers to leave it out; `node:` imports stay in gradwgsl/node and the CLI.
await build({
  ...common,
  platform: 'neutral',
  entryPoints: ENTRIES,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
}).catch(() => process.exit(1)); // esbuild has printed the errors

if (!values['no-types']) {
  rmSync(join(root, 'dist', 'types'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}
