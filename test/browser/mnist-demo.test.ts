// The demo pages in headless Chromium: the MNIST page trains a few steps with its loss falling,
// renders (screenshot saved as docs/demo-mnist.png), and a Chrome performance trace of the run
// holds the profiler's entries on the "gradwgsl" DevTools track group; the gallery finds WebGPU,
// and without WebGPU both pages say what to change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_AND_RUN_MS, launchChromium, openDemos, pixelStats, type Demos } from './harness.js';

const STEPS = 8;
let demos: Demos;
let demo: Window['gradwgslDemo'];
let screenshot: Buffer;
let userTimings: { name: string; detail: { devtools: { track: string; trackGroup: string; properties: [string, string][] } } }[];

beforeAll(async () => {
  demos = await openDemos();
  const page = await demos.browser.newPage({ viewport: { width: 1200, height: 900 } });
  await demos.browser.startTracing(page, { categories: ['blink.user_timing', 'devtools.timeline'] });
  await page.goto(`${demos.url}mnist.html?autostart=1&steps=${STEPS}&optimizer=adam&profile=1`);
  await page.waitForFunction(() => ['done', 'error', 'no-webgpu'].includes(window.gradwgslDemo?.state), null, { timeout: 90_000 });
  const trace = JSON.parse((await demos.browser.stopTracing()).toString('utf8')) as { traceEvents: any[] };
  demo = await page.evaluate(() => window.gradwgslDemo);
  screenshot = await page.screenshot({ fullPage: true });
  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/demo-mnist.png', screenshot);
  // performance.measure with a detail reaches the trace as a blink.user_timing begin event whose detail is a JSON string.
  userTimings = trace.traceEvents
    .filter((e) => e.cat === 'blink.user_timing' && e.ph === 'b' && typeof e.args?.detail === 'string')
    .map((e) => ({ name: e.name, detail: JSON.parse(e.args.detail) }))
    .filter((e) => e.detail?.devtools);
}, INSTALL_AND_RUN_MS);

afterAll(async () => {
  await demos?.close();
});

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('MNIST demo in Chromium', () => {
  it(`trains ${STEPS} steps and the loss falls`, () => {
    expect(demo.error ?? '').toBe('');
    expect(demo.state).toBe('done');
    expect(demo.losses.length).toBe(STEPS);
    expect(demo.losses.every(Number.isFinite)).toBe(true);
    // Starts near ln 10 ≈ 2.30 (uniform guesses) and drops within a few Adam steps.
    expect(demo.losses[0]).toBeGreaterThan(1.9);
    expect(mean(demo.losses.slice(-3))).toBeLessThan(0.85 * mean(demo.losses.slice(0, 3)));
  });

  it('renders a non-blank page with the loss curve drawn', async () => {
    const stats = await pixelStats(demos.browser, screenshot, [0x1f, 0x77, 0xb4]);
    expect(stats.width).toBe(1200);
    expect(stats.foreground).toBeGreaterThan(0.05);
    // The charts' first series colour (#1f77b4): the loss polyline and the legends.
    expect(stats.colorPixels).toBeGreaterThan(300);
  });

  it('puts kernels, steps and memory on the gradwgsl track group of the performance trace', () => {
    const ours = userTimings.filter((e) => e.detail.devtools.trackGroup === 'gradwgsl');
    const byTrack = (track: string) => ours.filter((e) => e.detail.devtools.track === track);
    const kernels = byTrack('GPU kernels');
    // Step 1 compiles and runs untimed; each later step times every dispatch of the plan.
    expect(kernels.length).toBeGreaterThanOrEqual((STEPS - 1) * 20);
    expect(kernels.some((e) => e.name.startsWith('gemm · gemm/'))).toBe(true);
    expect(kernels[0]!.detail.devtools.properties.map(([k]) => k)).toEqual(['op', 'inputs', 'kernel', 'gpu ms']);
    expect(byTrack('CPU steps').map((e) => e.name)).toEqual(['warm-up: 1 step (compiles the plan)', ...Array.from({ length: STEPS - 1 }, (_, i) => `step ${i + 2}`)]);
    expect(byTrack('GPU memory (pool)').length).toBe(STEPS - 1);
    const counts = Object.fromEntries(['GPU kernels', 'CPU steps', 'GPU memory (pool)'].map((t) => [t, byTrack(t).length]));
    writeFileSync('docs/devtools-trace-summary.json', `${JSON.stringify({
      source: 'test/browser/mnist-demo.test.ts: Chromium trace of the MNIST demo (profile=1), gradwgsl track group',
      adapter: 'Chromium headless, SwiftShader',
      entriesPerTrack: counts,
      firstKernels: kernels.slice(0, 6).map((e) => ({ name: e.name, properties: Object.fromEntries(e.detail.devtools.properties) })),
    }, null, 2)}\n`);
  });
});

describe('demo pages and missing WebGPU', () => {
  it('the gallery reports the WebGPU adapter', async () => {
    const page = await demos.browser.newPage();
    await page.goto(demos.url);
    await page.waitForFunction(() => !document.getElementById('webgpu')!.textContent!.startsWith('Checking'), null, { timeout: 20_000 });
    expect(await page.textContent('#webgpu')).toMatch(/^WebGPU ready: .*swiftshader/);
    await page.close();
  });

  it('without WebGPU, the pages say which flag is needed and the demo does not start', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      await page.goto(`${demos.url}mnist.html?autostart=1`);
      await page.waitForFunction(() => window.gradwgslDemo?.state === 'no-webgpu', null, { timeout: 20_000 });
      const message = await page.textContent('#webgpu');
      expect(message).toMatch(/^WebGPU unavailable\. .*no adapter/);
      expect(message).toContain('--enable-unsafe-webgpu');
      expect(await page.isVisible('#webgpu')).toBe(true);
      expect(await page.isDisabled('#start')).toBe(true);
      await page.goto(demos.url);
      await page.waitForFunction(() => document.getElementById('webgpu')!.classList.contains('error'), null, { timeout: 20_000 });
      expect(await page.textContent('#webgpu')).toContain('chrome://gpu');
    } finally {
      await browser.close();
    }
  });
});
