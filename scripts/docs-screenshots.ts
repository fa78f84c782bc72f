// Regenerates the README's screenshots from real runs (npm run docs:screenshots):
//   docs/demo-mnist.png            the MNIST demo in headless Chromium after two profiled epochs
//   docs/devtools-demo-trace.png   that run's performance trace in the DevTools Performance panel,
//                                  zoomed on one training step, the gradwgsl track group open
//   docs/devtools-node-trace.png   a `gradwgsl profile mnist-mlp` trace (Node, Dawn) in the same panel
//   docs/demo-overparam.png        the overparam experiment page after a small run (claims, plots)
// Chromium's GPU is SwiftShader and Node's is lavapipe here, so the times are a CPU's, not a GPU's.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { profileMnistMlp } from '../src/cli/profile.js';
import { ensureChromium, launchChromium } from './chromium.js';
import { startDemoServer } from './demo-server.js';
import { DevToolsPanel } from './devtools-panel.js';

const OUT = 'docs';
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', 'toplevel'];

/** Loads a trace into a fresh panel, opens the gradwgsl group, zooms on `step` (with a margin) and saves a screenshot. */
async function panelShot(trace: Buffer, step: string, file: string): Promise<void> {
  const panel = await DevToolsPanel.open();
  try {
    const view = await panel.load(trace);
    await panel.focusGroup('gradwgsl');
    const span = view.groups.find((g) => g.name === 'CPU steps')?.entries.find((e) => e.title === step);
    if (!span) throw new Error(`${file}: the panel shows no '${step}' entry on the gradwgsl CPU steps track`);
    const margin = 0.04 * span.duration;
    await panel.setWindow(span.start - margin, span.start + span.duration + margin);
    // The longest kernel of the step, selected: the Summary tab shows its op, inputs, kernel and GPU time.
    const kernels = view.groups.find((g) => g.name === 'GPU kernels')?.entries.filter((e) => e.start >= span.start && e.start < span.start + span.duration) ?? [];
    const longest = kernels.reduce((a, b) => (b.duration > a.duration ? b : a), kernels[0]!);
    if (longest) await panel.select(longest);
    writeFileSync(join(OUT, file), await panel.screenshot());
    console.log(`wrote ${join(OUT, file)}`);
  } finally {
    await panel.close();
  }
}

/** A small overparam run on its page: every stage of the experiment, minutes on SwiftShader. */
const OVERPARAM = {
  e1: { n: 20, widths: [16, 32, 64, 128], seeds: [0], tmax: 2000 },
  e2: { width: 64, ns: [6, 12, 25], tmax: 2000 },
  e3: { width: 32, pairs: 5, phis: [0.4, 0.2, 0.1], tmax: 3000 },
};

async function experimentShot(browser: Browser, url: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${url}overparam.html?${new URLSearchParams({ autostart: '1', config: JSON.stringify(OVERPARAM) })}`);
  await page.waitForFunction(() => ['done', 'error', 'bad-config', 'no-webgpu'].includes(window.gradwgslExperiment?.state), null, { timeout: 900_000 });
  const state = await page.evaluate(() => window.gradwgslExperiment);
  if (state.state !== 'done') throw new Error(`the overparam page ended in state '${state.state}': ${state.error ?? ''}`);
  writeFileSync(join(OUT, 'demo-overparam.png'), await page.screenshot({ fullPage: true }));
  console.log(`wrote ${join(OUT, 'demo-overparam.png')} (${state.seconds?.toFixed(0)} s, ${state.claims.map((c) => c.verdict).join(', ')})`);
}

async function demoRun(): Promise<Buffer> {
  ensureChromium();
  const server = await startDemoServer();
  const browser = await launchChromium();
  try {
    await experimentShot(browser, server.url);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.goto(`${server.url}mnist.html?autostart=1&epochs=2&optimizer=adam&profile=1`);
    await page.waitForFunction(() => ['done', 'error', 'no-webgpu'].includes(window.gradwgslDemo?.state), null, { timeout: 600_000 });
    const trace = await browser.stopTracing();
    const demo = await page.evaluate(() => window.gradwgslDemo);
    if (demo.state !== 'done') throw new Error(`the MNIST demo ended in state '${demo.state}': ${demo.error ?? ''}`);
    writeFileSync(join(OUT, 'demo-mnist.png'), await page.screenshot({ fullPage: true }));
    console.log(`wrote ${join(OUT, 'demo-mnist.png')} (held-out accuracy ${demo.epochs.at(-1)?.testAccuracy})`);
    return trace;
  } finally {
    await browser.close();
    server.stop();
  }
}

async function nodeRun(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-docs-'));
  try {
    const out = join(dir, 'trace.json');
    await profileMnistMlp({ steps: 4, warmup: 1, batch: 128, optimizer: 'adam', momentum: 0.9, seed: 1, out });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(OUT, { recursive: true });
const demoTrace = await demoRun();
const nodeTrace = await nodeRun();
await panelShot(demoTrace, 'step 3', 'devtools-demo-trace.png');
await panelShot(nodeTrace, 'step 3', 'devtools-node-trace.png');
// Dawn keeps Node alive after the last GPU work.
process.exit(0);
