// The kernel conformance subset (conformance-page.ts) in headless Chromium on its WebGPU
// adapter (SwiftShader here: no shader-f16, so binary16 rounding must work without it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceResult } from './conformance-page.js';
import { GEMM_VARIANTS } from '../../src/kernels/gemm/kernels.js';
import { INSTALL_AND_RUN_MS, openDemos, type Demos } from './harness.js';

let demos: Demos;
let result: ConformanceResult;

beforeAll(async () => {
  demos = await openDemos({ conformance: 'test/browser/conformance-page.ts' });
  const page = await demos.browser.newPage();
  await page.goto(`${demos.url}conformance.html`);
  await page.waitForFunction(() => window.__conformance !== undefined, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.__conformance!);
  if ('fatal' in r) throw new Error(`the conformance page could not run: ${r.fatal}`);
  result = r;
}, INSTALL_AND_RUN_MS);

afterAll(async () => {
  await demos?.close();
});

describe('kernels in Chromium', () => {
  it('covers elementwise, reductions, every GEMM variant, losses and rounding', () => {
    const names = result.cases.map((c) => c.name);
    for (const expected of ['exp', 'sum over axis 1 of [19,37]', 'softmaxCrossEntropy gradient', 'countCorrect [13,10]', 'roundTo(fp8e5m2) without shader-f16']) {
      expect(names).toContain(expected);
    }
    expect(names.filter((n) => n.startsWith('matmul')).length).toBe(GEMM_VARIANTS.length);
    console.log(`browser adapter: ${result.adapter}; features: ${result.features.join(', ') || 'none'}`);
    for (const c of result.cases) if (c.skipped) console.log(`skipped ${c.name}: ${c.skipped}`);
  });

  it('matches the float64 references within the Node bounds', () => {
    const failed = result.cases.filter((c) => !c.ok).map((c) => `${c.name}: error ${c.error} (bound ${c.bound})${c.message ? `: ${c.message}` : ''}`);
    expect(failed).toEqual([]);
  });

  it('rounds to binary16 exactly whether or not the adapter has shader-f16', () => {
    const f16 = result.cases.find((c) => c.name.startsWith('roundTo(binary16)'))!;
    expect(f16).toMatchObject({ ok: true, error: 0 });
  });
});
