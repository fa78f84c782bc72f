// The demo pages in headless Chromium: the MNIST page trains a few steps with its loss falling,
// renders, and a Chrome performance trace of the run holds the profiler's entries on the
// "gradwgsl" DevTools track group; in the FP8 precision it trains the fp8 experiment's network
// and reports what only that path measures; the gallery finds WebGPU, and without WebGPU (or
// with a wrong precision in the address) the page says what to change. The screenshots and the
// trace summary go to runs/browser/ (gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_AND_RUN_MS, expectNoWebgpuPage, openDemos, pixelStats, type Demos } from './harness.js';

const STEPS = 8;
const OUT = fileURLToPath(new URL('../../runs/browser/', import.meta.url));
let demos: Demos;
let demo: Window['gradwgslDemo'];
let screenshot: Buffer;
let userTimings: { name: string; detail: { devtools: { track: string; trackGroup: string; properties: [string, string][] } } }[];

beforeAll(async () => {
  demos = await openDemos();
  const page = await demos.browser.newPage({ viewport: { width: 1200, height: 900 } });
  await demos.browser.startTracing(page, { categories: ['blink.user_timing', 'devtools.timeline'] });
  await page.goto(`${demos.url}mnist.html?autostart=1&steps=${STEPS}&optimizer=adam&profile=1`);
  await finished(page, 90_000);
  const trace = JSON.parse((await demos.browser.stopTracing()).toString('utf8')) as { traceEvents: any[] };
  demo = await page.evaluate(() => window.gradwgslDemo);
  screenshot = await page.screenshot({ fullPage: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}demo-mnist.png`, screenshot);
  // performance.measure with a detail reaches the trace as a blink.user_timing begin event whose detail is a JSON string.
  userTimings = trace.traceEvents
    .filter((e) => e.cat === 'blink.user_timing' && e.ph === 'b' && typeof e.args?.detail === 'string')
    .map((e) => ({ name: e.name, detail: JSON.parse(e.args.detail) }))
    .filter((e) => e.detail?.devtools);
}, INSTALL_AND_RUN_MS);

afterAll(async () => {
  await demos?.close();
});

/** Waits until the page's run (or its start) has ended one way or another. */
async function finished(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(() => ['done', 'error', 'no-webgpu'].includes(window.gradwgslDemo?.state), null, { timeout });
}

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
    // Step 1 compiles and runs untimed; each later step times every dispatch of the plan: the
    // same number each step, at least the MLP training step's 15 (test/optim/fused-update.test.ts;
    // the trainer's step also counts correct answers).
    expect(kernels.length % (STEPS - 1)).toBe(0);
    expect(kernels.length).toBeGreaterThanOrEqual((STEPS - 1) * 15);
    expect(kernels.some((e) => e.name.startsWith('gemm · gemm/'))).toBe(true);
    expect(kernels[0]!.detail.devtools.properties.map(([k]) => k)).toEqual(['op', 'inputs', 'kernel', 'gpu ms']);
    expect(byTrack('CPU steps').map((e) => e.name)).toEqual(['warm-up: 1 step (compiles the plan)', ...Array.from({ length: STEPS - 1 }, (_, i) => `step ${i + 2}`)]);
    expect(byTrack('GPU memory (pool)').length).toBe(STEPS - 1);
  });
});

describe('MNIST demo in FP8 (the fp8 experiment\'s paper configuration)', () => {
  const FP8_STEPS = 6;
  let fp8: Window['gradwgslDemo'];
  let status: string;
  let kernelTable: string;

  beforeAll(async () => {
    const page = await demos.browser.newPage({ viewport: { width: 1200, height: 900 } });
    // lr 0.1 so a few plain-SGD steps move the loss clearly (the experiment's 0.02 needs more).
    await page.goto(`${demos.url}mnist.html?autostart=1&steps=${FP8_STEPS}&precision=fp8&batch=64&lr=0.1&profile=1`);
    await finished(page, 120_000);
    fp8 = await page.evaluate(() => window.gradwgslDemo);
    status = (await page.textContent('#status'))!;
    kernelTable = (await page.textContent('#kernels'))!;
    writeFileSync(`${OUT}demo-mnist-fp8.png`, await page.screenshot({ fullPage: true }));
    await page.close();
  }, 150_000);

  it(`trains ${FP8_STEPS} steps and the loss falls`, () => {
    expect(fp8.error ?? '').toBe('');
    expect(fp8.state).toBe('done');
    expect(fp8.precision).toBe('fp8');
    expect(fp8.losses.length).toBe(FP8_STEPS);
    expect(fp8.losses.every(Number.isFinite)).toBe(true);
    expect(fp8.losses[0]).toBeGreaterThan(1.9);
    expect(mean(fp8.losses.slice(-2))).toBeLessThan(0.9 * mean(fp8.losses.slice(0, 2)));
  });

  it('ran the FP8 kernels and reports the counters only the FP8 path keeps', () => {
    expect(fp8.lowp?.variant).toBe('paper');
    const { lostUpdateFraction, underflowFraction } = fp8.lowp!;
    // LowpSGD counts every nonzero update; some are below half an FP16 ulp of their weight.
    expect(lostUpdateFraction).toBeGreaterThan(0);
    expect(lostUpdateFraction).toBeLessThan(1);
    // The FP8 layer's output gradients: loss scaling keeps underflow rare (criterion C(iii)).
    expect(Number.isFinite(underflowFraction)).toBe(true);
    expect(underflowFraction).toBeGreaterThanOrEqual(0);
    expect(underflowFraction).toBeLessThan(0.05);
    expect(status).toContain('paper config (FP8 GEMMs, chunk 64, SR update)');
    expect(status).toMatch(/lost under round-to-nearest\) \d/);
    // Profiled: the chunked FP8/FP16 GEMM of shaders/gemm/fp8-chunked.wgsl timed on the GPU.
    expect(kernelTable).toContain('gemm/fp8-chunked');
  });
});

describe('the Stop button', () => {
  it('ends an FP8 round-to-nearest run after the step in flight, with its counters', async () => {
    const page = await demos.browser.newPage();
    await page.goto(`${demos.url}mnist.html?autostart=1&precision=fp8-rne&batch=32&epochs=1`);
    await page.waitForFunction(() => window.gradwgslDemo?.losses.length > 0, null, { timeout: 90_000 });
    await page.click('#stop');
    await finished(page, 60_000);
    const run = await page.evaluate(() => window.gradwgslDemo);
    expect(run.error ?? '').toBe('');
    expect(run.precision).toBe('fp8-rne');
    // One epoch is 250 steps; the stop lands within the step running when it was clicked.
    expect(run.losses.length).toBeLessThanOrEqual(3);
    expect(run.epochs).toEqual([]);
    expect(run.lowp?.variant).toBe('rne-update');
    expect(run.lowp!.lostUpdateFraction).toBeGreaterThan(0);
    expect(await page.textContent('#status')).toMatch(/^stopped after \d steps.*same, round-to-nearest update/);
    expect(await page.isEnabled('#start')).toBe(true);
    await page.close();
  }, 180_000);
});

describe('demo pages and missing WebGPU', () => {
  it('a precision the page does not offer is refused with the ones it does', async () => {
    const page = await demos.browser.newPage();
    await page.goto(`${demos.url}mnist.html?autostart=1&precision=fp4`);
    await finished(page, 20_000);
    expect(await page.evaluate(() => window.gradwgslDemo.state)).toBe('error');
    expect(await page.textContent('#status')).toContain('precision=fp4 in the address is not one of fp32, fp8, fp8-rne');
    await page.close();
  });

  it('the gallery reports the WebGPU adapter', async () => {
    const page = await demos.browser.newPage();
    await page.goto(demos.url);
    await page.waitForFunction(() => !document.getElementById('webgpu')!.textContent!.startsWith('Checking'), null, { timeout: 20_000 });
    expect(await page.textContent('#webgpu')).toMatch(/^WebGPU ready: .*swiftshader/);
    await page.close();
  });

  it('without WebGPU, the pages say which flag is needed and the demo does not start', async () => {
    await expectNoWebgpuPage(`${demos.url}mnist.html?autostart=1`, () => window.gradwgslDemo?.state === 'no-webgpu', '#start', async (page) => {
      await page.goto(demos.url);
      await page.waitForFunction(() => document.getElementById('webgpu')!.classList.contains('error'), null, { timeout: 20_000 });
      expect(await page.textContent('#webgpu')).toContain('chrome://gpu');
    });
  });
});
