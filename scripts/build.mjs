// Bundles the CLI, the library and the bench for Node with esbuild (WGSL as text, source maps).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.wgsl': 'text' },
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', bench: 'bench/main.ts', 'fhe-bench': 'bench/fhe-main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
});
