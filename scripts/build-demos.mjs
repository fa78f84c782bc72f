// Builds the browser demos into a static folder (default dist/demos): the pages and styles from
// src/demos/static, one esbuild bundle per page (ES modules split into shared chunks, source
// maps), one page per paper experiment of src/demos/experiment/registry.ts (all running the one
// experiment page bundle) with their gallery cards, and the MNIST digits file the pages fetch.
//   node scripts/build-demos.mjs [--outdir DIR] [--page NAME=ENTRY.ts ...]
// --page adds a bundle NAME.js with a generated NAME.html (the browser tests use it).
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { outdir: { type: 'string', default: join(root, 'dist', 'demos') }, page: { type: 'string', multiple: true, default: [] } },
});
const outdir = resolve(values.outdir);

const PAGES = { gallery: 'src/demos/gallery.ts', mnist: 'src/demos/mnist/main.ts', experiment: 'src/demos/experiment/page.ts' };
const extra = Object.fromEntries(values.page.map((spec) => {
  const [name, entry] = spec.split('=');
  if (!name || !entry) throw new Error(`--page expects NAME=ENTRY.ts, got '${spec}'`);
  return [name, entry];
}));

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
cpSync(join(root, 'src', 'demos', 'static'), outdir, { recursive: true });

// The pages import gradwgsl's public entries (tsconfig's `paths` map them to src), and, as in a
// user's bundle, package.json's `browser` field leaves out Dawn (npm `webgpu`), which the engine
// imports only where there is no navigator.gpu.
await build({
  absWorkingDir: root,
  entryPoints: { ...PAGES, ...extra },
  outdir,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  // Each experiment's code is imported dynamically, so a page fetches its own and the shared engine once.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'es2022',
  loader: { '.wgsl': 'text' },
  sourcemap: true,
  logLevel: 'warning',
}).catch(() => process.exit(1)); // esbuild has printed the errors

for (const name of Object.keys(extra)) {
  writeFileSync(join(outdir, `${name}.html`),
    `<!doctype html>\n<meta charset="utf-8">\n<title>gradwgsl ${name}</title>\n<link rel="stylesheet" href="style.css">\n<link rel="icon" href="data:,">\n<main id="app"></main>\n<script type="module" src="${name}.js"></script>\n`);
}

// Build steps that need Node (the npm package's digits, the experiments' titles).
function runForNode(entry, ...args) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'run-ts.mjs'), entry, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}

runForNode('src/demos/write-digits.ts', join(outdir, 'mnist-digits.bin'));
runForNode('src/demos/experiment/write-pages.ts', outdir);
console.log(`demos built into ${outdir}`);
