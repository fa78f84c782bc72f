#!/usr/bin/env node
// The `gradwgsl` command: runs the bundled CLI (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('gradwgsl: the CLI is not built yet; run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(cli);
