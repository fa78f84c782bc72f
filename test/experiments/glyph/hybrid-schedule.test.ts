// The step schedule and the G6 op-count cost model: counts for the quick profile worked out by
// hand from the sites' windows, Paterson–Stockmeyer counts, and the cost as counts × latencies.
import { describe, expect, it } from 'vitest';
import { HYBRID_DEFAULT, HYBRID_QUICK } from '../../../src/experiments/glyph/hybrid/config.js';
import {
  allBgvSchedule, g6Costs, opCounts, patersonStockmeyerMultiplications, setupSchedule, stepCost, stepSchedule, type OpLatencies,
} from '../../../src/experiments/glyph/hybrid/schedule.js';

describe('step schedule', () => {
  it('quick profile counts (p = 5, d = 16, h = 8, B = 16)', () => {
    // Digit PBS per value: hidden W14 (shift 8: rounds 5 + 3) 4, output W13 (7: 5 + 2) 4, backward W14 4,
    // gradOutput W10 (4) 2, gradHidden W9 (3) 2.
    // Per sample: hidden 8·4 + 2·8 = 48, output 10·4 + 10 = 50, backward 8·4 + 8 = 40 → 138 · 16 = 2208;
    // per step: G2 80·2 + 80 = 240, G1 128·2 + 128 = 384. Total 2832.
    const n = opCounts(stepSchedule(HYBRID_QUICK));
    expect(n.pbs).toBe(2832);
    expect(n['ct-ct']).toBe(5 * 16);
    expect(n.relinearize).toBe(3 * 16 + 2);
    expect(n['bgv-to-lwe']).toBe(3 * 16 + 2);
    expect(n.extract).toBe((8 + 10 + 8) * 16 + 80 + 128);
    // Key switches: one per distinct PBS input: hidden 8·5, output 10·5, backward 8·5 per sample; 80·3, 128·3.
    expect(n['lwe-keyswitch']).toBe((40 + 50 + 40) * 16 + 240 + 384);
    expect(n['lwe-to-bgv']).toBe((8 + 20 + 8) * 16 + 160 + 128);
  });

  it('setup: the frozen layer and the feature site, once per sample', () => {
    const n = opCounts(setupSchedule(HYBRID_DEFAULT, 196));
    expect(n['ct-pt']).toBe(32 * 196);
    // Feature window 12 (shift 6: rounds 5 + 1): 4 digit PBS + 1 table per feature.
    expect(n.pbs).toBe(32 * 5);
  });
});

describe('cost model', () => {
  it('Paterson–Stockmeyer multiplications, by hand', () => {
    // D = 15: k = 3, m = 3 → 2 + 3 + 3 = 8. D = 2^14: k = 91, m = 8 → 90 + 8 + 127 = 225.
    expect(patersonStockmeyerMultiplications(15)).toBe(8);
    expect(patersonStockmeyerMultiplications(2 ** 14)).toBe(225);
    expect(patersonStockmeyerMultiplications(1)).toBe(0);
    expect(patersonStockmeyerMultiplications(4)).toBe(3); // PS would need 4
    for (const D of [4, 100, 1000, 2 ** 12]) {
      const m = patersonStockmeyerMultiplications(D);
      expect(m).toBeGreaterThanOrEqual(Math.ceil(Math.log2(D)));
      expect(m).toBeLessThanOrEqual(D - 1);
    }
  });

  it('all-BGV: one polynomial per site per ciphertext of slots; ReLU and ReLU′ share the powers', () => {
    const n = opCounts(allBgvSchedule(HYBRID_QUICK, 4096));
    const ps = (w: number) => patersonStockmeyerMultiplications(2 ** w);
    // hidden W14 with a second polynomial (combine only: 2^(8−1) − 1 = 127), output 13, backward 14, grads 10 and 9;
    // 5 MAC products + 1 mask product.
    expect(n['ct-ct']).toBe(ps(14) + 127 + ps(13) + ps(14) + ps(10) + ps(9) + 6);
    expect(n.rotation).toBe(4 + 3 + 4 + 4 + 4); // ⌈log2⌉ of 16, 8, 10, 16, 16 terms
  });

  it('a step costs counts × latencies', () => {
    const zero: OpLatencies = { 'ct-pt': 0, 'ct-ct': 0, relinearize: 0, 'bgv-to-lwe': 0, extract: 0, 'lwe-keyswitch': 0, pbs: 0, 'lwe-to-bgv': 0, rotation: 0 };
    const ops = stepSchedule(HYBRID_QUICK);
    expect(stepCost(ops, { ...zero, pbs: 0.5 })).toBe(2832 * 0.5);
    expect(stepCost(ops, { ...zero, pbs: 1, 'ct-ct': 2 })).toBe(2832 + 160);
  });

  it('G6: (a) batched, (b) all-BGV, (c) unbatched, and (a)\'s saving against (b)', () => {
    const zero: OpLatencies = { 'ct-pt': 0, 'ct-ct': 0, relinearize: 0, 'bgv-to-lwe': 0, extract: 0, 'lwe-keyswitch': 0, pbs: 0, 'lwe-to-bgv': 0, rotation: 0 };
    const allBgvCtCt = opCounts(allBgvSchedule(HYBRID_QUICK, 4096))['ct-ct'];
    const r = g6Costs(HYBRID_QUICK, { batched: { ...zero, pbs: 1 }, single: { ...zero, pbs: 3 }, allBgv: { ...zero, 'ct-ct': 10 } }, 4096);
    expect(r.hybrid).toBe(2832);
    expect(r.unbatched).toBe(3 * 2832);
    expect(r.allBgv).toBe(10 * allBgvCtCt);
    expect(r.reductionVsAllBgv).toBeCloseTo(1 - 2832 / (10 * allBgvCtCt), 12);
  });
});
