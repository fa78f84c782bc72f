// Spec §8 criteria A (accumulation error vs N) and B (swamping of small updates), as tests.
import { beforeAll, describe, expect, it } from 'vitest';
import { accumulationErrors, type AccumulationCell } from '../../src/experiments/fp8/accumulation.js';
import { swamping } from '../../src/experiments/fp8/swamping.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

describe('criterion A: summing N uniform [0,1) values in FP16 (1,6,9)', () => {
  let cells: AccumulationCell[] = [];
  beforeAll(async () => {
    cells = await accumulationErrors([1024, 4096, 16384, 65536], [1, 2, 3]);
  });
  const at = (mode: AccumulationCell['mode'], n?: number) => cells.filter((c) => c.mode === mode && (n === undefined || c.n === n));

  it('sequential RNE swamps: <= -40% at N = 4096 and <= -90% at N = 65536 (every seed)', () => {
    expect(at('sequential', 4096).length).toBe(3);
    for (const c of at('sequential', 4096)) expect(c.relError).toBeLessThanOrEqual(-0.4);
    for (const c of at('sequential', 65536)) expect(c.relError).toBeLessThanOrEqual(-0.9);
  });

  it('chunks of 64 keep |error| < 1% for every N; sequential SR < 10%', () => {
    expect(at('chunk64').length).toBe(12);
    for (const c of at('chunk64')) expect(Math.abs(c.relError)).toBeLessThan(0.01);
    for (const c of at('sequential-sr')) expect(Math.abs(c.relError)).toBeLessThan(0.1);
  });

  it('binary16 freezes later than (1,6,9) but still swamps by N = 16384', () => {
    // binary16 spacing reaches 2 at 2048, twice (1,6,9)'s 1024: the short sum is still accurate.
    for (const c of at('binary16-sequential', 1024)) expect(Math.abs(c.relError)).toBeLessThan(0.01);
    for (const c of at('binary16-sequential', 16384)) expect(c.relError).toBeLessThan(-0.5);
  });

  it('every GPU sum is bit-identical to the CPU reference', () => {
    expect(cells.length).toBe(4 * 3 * 6);
    expect(cells.filter((c) => !c.bitIdentical)).toEqual([]);
  });
});

describe('criterion B: 1000 updates of -2^-12 to W = 1.0 (ulp 2^-9)', () => {
  it('round-to-nearest leaves W exactly 1.0 and counts every update as lost', async () => {
    const r = await swamping('rne', 1000, 1000, 1);
    expect(r.unchanged).toBe(1000);
    expect([r.min, r.max]).toEqual([1, 1]);
    expect(r.lostUpdateFraction).toBe(1);
  });

  it('stochastic rounding ends, on average, within 5% of 1 - 1000·2^-12', async () => {
    const r = await swamping('sr', 1000, 1000, 1);
    expect(r.exact).toBeCloseTo(0.7559, 4);
    expect(Math.abs(r.mean / r.exact - 1)).toBeLessThan(0.05);
    // Each weight is a sum of 1000 independent ±ulp choices: they spread, none stays at 1.
    expect(r.unchanged).toBe(0);
    expect(r.max - r.min).toBeGreaterThan(0.01);
  });
});
