import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// WGSL sources are imported as text, exactly as esbuild's text loader does in the bundles.
const wgslText = {
  name: 'wgsl-text',
  load(id: string) {
    if (id.endsWith('.wgsl')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    return null;
  },
};

// The public entries (`gradwgsl`, `gradwgsl/node`, ...) resolve to their sources, as tsconfig's
// `paths` say for tsc and esbuild: one table, read from there.
const paths = (JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths: Record<string, [string]> } }).compilerOptions.paths;
const publicEntries = Object.entries(paths).map(([name, [source]]) => ({
  find: new RegExp(`^${name.replace('/', '\\/')}$`),
  replacement: resolve(source),
}));

export default defineConfig({
  plugins: [wgslText],
  resolve: { alias: publicEntries },
  test: {
    include: ['test/**/*.test.ts'],
    // Every test file shares one software GPU: run files one at a time so lavapipe's two
    // cores are not split between processes, and give kernels room on a slow driver.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || '/tmp' },
  },
});
