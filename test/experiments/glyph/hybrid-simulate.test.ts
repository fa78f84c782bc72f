// The integer simulation of the hybrid network: one SGD step worked out by hand, the weights
// kept centred mod 2^T, and determinism (the encrypted run must be able to replay it).
import { describe, expect, it } from 'vitest';
import { HYBRID_QUICK, type HybridConfig } from '../../../src/experiments/glyph/hybrid/config.js';
import { batchSchedule, initialWeights, integerStep, integerTraining, noWraps } from '../../../src/experiments/glyph/hybrid/simulate.js';

// p = 4; windows of p + 1 bits shift by 0, the gradient sites by 1 and 2.
const tiny: HybridConfig = {
  ...HYBRID_QUICK,
  p: 4,
  plainBits: 16,
  features: 1,
  hidden: 1,
  batch: 1,
  windows: { feature: 5, hidden: 5, output: 5, backward: 5, gradHidden: 6, gradOutput: 7 },
  targetScale: 4,
};

describe('integer SGD step', () => {
  it('matches the step worked out by hand', () => {
    // x = 3, W1 = 2, W2 = [1, 0, ..., 0], label 0, Y = 4.
    // z1 = 6 → u = 14 → h = 6, ReLU′ = 1. z2 = [6, 0, ...] → o = [6, 0, ...], e = [2, 0, ...].
    // δ = 1·2 = 2 → backward u = 2 + 4 = 6, plus the mask 8 → 14 → masked = 14 − 8 − 4 = 2 = g.
    // G2[0] = e_0·h = 12 → window 7 (shift 2): floor((12 + 34) / 4) = 11 → ΔW2 = 3 → W2[0] = −2.
    // G1 = g·x = 6 → window 6 (shift 1): floor((6 + 17) / 2) = 11 → ΔW1 = 3 → W1 = −1.
    const w = { hidden: Int32Array.from([2]), output: Int32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]) };
    const wraps = noWraps();
    const next = integerStep(tiny, w, Int32Array.from([3]), Uint8Array.from([0]), [0], wraps);
    expect([...next.hidden]).toEqual([-1]);
    expect([...next.output]).toEqual([-2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Object.values(wraps).every((v) => v === 0)).toBe(true);
  });

  it('an output past its window wraps as the negacyclic PBS does, and is counted', () => {
    // W2[9] = 2: z2_9 = 12 → u = 20 (padding bit set) → o_9 = −signed(4) = 4, so e_9 = 4 and G2[9] = 24.
    const w = { hidden: Int32Array.from([2]), output: Int32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 2]) };
    const wraps = noWraps();
    const next = integerStep(tiny, w, Int32Array.from([3]), Uint8Array.from([0]), [0], wraps);
    expect(wraps.output).toBe(1);
    // G2[9] = 4·6 = 24 → floor((24 + 34) / 4) = 14 → ΔW2 = 6 → W2[9] = −4.
    expect(next.output[9]).toBe(-4);
  });

  it('keeps weights centred mod 2^T, as BGV mod t = 2^T holds them', () => {
    // The hand step at T = 7 with W2[1] = 63: z2_1 = 378 → (378 + 8) mod 32 = 2 → o_1 = −6 = e_1.
    // δ = 2 + 63·(−6) = −376 → (−372 mod 32) = 12, plus the mask 8 → 20 → −masked(4) = 0 = g: W1 stays 2.
    // G2[1] = −36 → (−36 + 34) mod 128 = 126 → u = 31 → −signed(15) = −7 → W2[1] = 70 → centred: −58.
    const c = { ...tiny, plainBits: 7 };
    const w = { hidden: Int32Array.from([2]), output: Int32Array.from([1, 63, 0, 0, 0, 0, 0, 0, 0, 0]) };
    const next = integerStep(c, w, Int32Array.from([3]), Uint8Array.from([0]), [0]);
    expect([...next.hidden]).toEqual([2]);
    expect([...next.output]).toEqual([-2, -58, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('integer training', () => {
  it('is deterministic: same seed, same weights; another seed, other initial weights and order', () => {
    const c: HybridConfig = { ...HYBRID_QUICK, batch: 4, epochs: 1 };
    const n = 40;
    const x = Int32Array.from({ length: n * c.features }, (_, i) => ((i * 7919) % 31) - 16);
    const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const a = integerTraining(c, x, y);
    const b = integerTraining(c, x, y);
    expect(a.steps).toBe(10);
    expect([...a.weights.hidden]).toEqual([...b.weights.hidden]);
    expect([...a.weights.output]).toEqual([...b.weights.output]);
    const other = { ...c, seed: 2 };
    expect([...initialWeights(other).hidden]).not.toEqual([...initialWeights(c).hidden]);
    expect(batchSchedule(other, n)).not.toEqual(batchSchedule(c, n));
  });

  it('draws initial weights in [−r, r] and whole batches only', () => {
    const w = initialWeights(HYBRID_QUICK);
    const r = HYBRID_QUICK.initRange.hidden;
    expect(w.hidden.length).toBe(HYBRID_QUICK.hidden * HYBRID_QUICK.features);
    expect(Math.max(...w.hidden.map(Math.abs))).toBeLessThanOrEqual(r);
    const batches = batchSchedule({ ...HYBRID_QUICK, batch: 16, epochs: 2 }, 100);
    expect(batches.length).toBe(12);
    expect(new Set(batches.slice(0, 6).flat()).size).toBe(96);
    expect(() => batchSchedule({ ...HYBRID_QUICK, batch: 0 }, 100)).toThrow(/batch 0/);
  });
});
