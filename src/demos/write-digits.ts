// Node side of the demo build: writes loadMnist()'s split as the browser's digits file.
// Run by scripts/build-demos.mjs (bundled for Node): `node write-digits.mjs <out-file>`.
import { writeFile } from 'node:fs/promises';
import { loadMnist } from 'gradwgsl/node';
import { encodeDigits } from './digits-file.js';

const out = process.argv[2];
if (!out) throw new Error('usage: write-digits <out-file>');
await writeFile(out, encodeDigits(await loadMnist()));
