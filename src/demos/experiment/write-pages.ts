// Node side of the demo build: one HTML page per entry of the experiment registry, and their
// cards in the gallery (the copied index.html), with each experiment's own title and paper.
// Run by scripts/build-demos.mjs (bundled for Node): `node write-pages.mjs <demos-dir>`.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CARDS_MARKER, experimentPageHtml, galleryCardHtml, type PageInfo } from './html.js';
import { EXPERIMENTS } from './registry.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: write-pages <demos-dir>');

const pages: PageInfo[] = [];
for (const entry of EXPERIMENTS) {
  const { title, paper } = await entry.load();
  pages.push({ name: entry.name, title, paper, blurb: entry.blurb });
}
for (const page of pages) await writeFile(join(dir, `${page.name}.html`), experimentPageHtml(page));

const index = join(dir, 'index.html');
const gallery = await readFile(index, 'utf8');
if (!gallery.includes(CARDS_MARKER)) throw new Error(`${index} has no ${CARDS_MARKER} for the experiment cards`);
await writeFile(index, gallery.replace(CARDS_MARKER, pages.map(galleryCardHtml).join('\n    ')));
