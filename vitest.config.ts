import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// WGSL sources are imported as text, exactly as esbuild's text loader does in the bundles.
const wgslText = {
  name: 'wgsl-text',
  load(id: string) {
    if (id.endsWith('.wgsl')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    return null;
  },
};

export default defineConfig({
  plugins: [wgslText],
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
