// The static HTML around the experiment page module: one page per experiment and the gallery's
// cards, written at build time so titles and links are there before any script runs.
import { escapeHtml } from '../common/webgpu.js';

export interface PageInfo {
  name: string;
  title: string;
  paper: string;
  blurb: string;
}

/** Where the build puts the gallery cards in src/demos/static/index.html. */
export const CARDS_MARKER = '<!-- experiment cards -->';

export function experimentPageHtml({ name, title, paper }: PageInfo): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gradwgsl · ${escapeHtml(title)}</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="data:,">
<header>
  <h1>${escapeHtml(title)}</h1>
  <p><a href="index.html">gradwgsl demos</a> · ${escapeHtml(paper)} · the code of <code>gradwgsl reproduce ${escapeHtml(name)}</code>, run on WebGPU in this tab.</p>
</header>
<main data-experiment="${escapeHtml(name)}">
  <section id="webgpu" class="card" hidden></section>
  <section class="card">
    <p id="adapter" class="status">Checking for WebGPU…</p>
    <div class="controls">
      <label>profile <select id="profile"><option value="quick">quick (CI size)</option><option value="default">default (the full protocol)</option></select></label>
      <button id="run" disabled>Run</button>
    </div>
    <label class="config">config (JSON, written over the profile) <textarea id="config" spellcheck="false" rows="14"></textarea></label>
    <p id="config-error" class="card error" hidden></p>
    <div class="progress"><progress id="progress" value="0" max="1"></progress> <span id="progress-time" class="status"></span></div>
    <p id="status" class="status">Loading…</p>
  </section>
  <section id="results" hidden>
    <div class="card"><h2>Claims beside our measurements</h2><table id="claims" class="claims"></table></div>
    <div class="card"><h2>Plots</h2><div id="plots" class="plots"></div></div>
    <div class="card"><h2>Report <a id="download" download="result.json" href="#">download result.json</a></h2><pre id="report"></pre></div>
  </section>
</main>
<script type="module" src="experiment.js"></script>
</html>
`;
}

export function galleryCardHtml({ name, title, blurb }: PageInfo): string {
  return `<a class="card" href="${escapeHtml(name)}.html">
      <h2>${escapeHtml(title)}</h2>
      <p>${escapeHtml(blurb)}</p>
    </a>`;
}
