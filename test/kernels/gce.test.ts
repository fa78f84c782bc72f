import { beforeAll, describe, expect, it } from 'vitest';
import { LabelRangeError } from '../../src/device/errors.js';
import { compile } from '../../src/graph/compile.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { gceKeep, generalizedCrossEntropy, lqOf, softmaxMae, truncatedGce } from '../../src/experiments/gce/loss.js';
import type { Reduction } from '../../src/kernels/loss/reduction.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';
import { gRowOf, labelsFor, reduce, REDUCTIONS, softmaxRef, u32 } from './loss-reference.js';

beforeAll(gpu);

// f32 bound against float64, as ‖out − ref‖ / ‖ref‖: 1e-5 for losses and gradients (a
// log-sum-exp, one exp and the expm1 of gce.wgsl, whose worst case is ~1e-6 relative).
const F32_LOSS = 1e-5;

// ---- float64 references ------------------------------------------------------------------

/** Per row: p = softmax[label] and its weight v (given, [p > k], or 1). */
interface RefSpec {
  q: number;
  k?: number;
  weights?: Float32Array;
}

function rowWeight(p: number, r: number, spec: RefSpec): number {
  if (spec.weights) return spec.weights[r]!;
  return spec.k === undefined ? 1 : p > spec.k ? 1 : 0;
}

function gceRef(x: Float32Array, labels: Uint32Array, cols: number, spec: RefSpec): Float64Array {
  const sm = softmaxRef(x, labels.length, cols);
  const offset = spec.k === undefined ? 0 : lqOf(spec.k, spec.q);
  return Float64Array.from(labels, (y, r) => {
    const p = sm[r * cols + y]!;
    return rowWeight(p, r, spec) * (lqOf(p, spec.q) - offset);
  });
}

/** v · p^q · (softmax − onehot) · g_r. */
function gceGradRef(x: Float32Array, labels: Uint32Array, cols: number, spec: RefSpec, gRow: (r: number) => number): Float64Array {
  const sm = softmaxRef(x, labels.length, cols);
  return sm.map((s, i) => {
    const r = Math.floor(i / cols);
    const p = sm[r * cols + labels[r]!]!;
    return rowWeight(p, r, spec) * p ** spec.q * (s - (i % cols === labels[r] ? 1 : 0)) * gRow(r);
  });
}

// ---- L_q ------------------------------------------------------------------------------------

describe('generalizedCrossEntropy (L_q)', () => {
  const sizes: [number, number][] = [[1, 2], [7, 10], [33, 127], [65, 3]];
  const qs = [1e-3, 0.3, 0.7, 1];

  it('forward and backward match float64 for q in {1e-3, 0.3, 0.7, 1}, every reduction, odd sizes', async () => {
    for (const [B, C] of sizes) {
      const x = randomArray(B * C, B * 100 + C, -4, 4);
      const y = labelsFor(B, C, B + C);
      const seed = randomArray(B, B * 3 + C, 0.5, 1.5);
      for (const q of qs) {
        for (const reduction of REDUCTIONS) {
          const logits = tensor(x, [B, C]).trainable();
          const loss = generalizedCrossEntropy(logits, u32(y), q, reduction);
          expect([...loss.shape]).toEqual(reduction === 'none' ? [B] : [1]);
          expect(relError(await loss.data(), reduce(gceRef(x, y, C, { q }), reduction)), `B=${B} C=${C} q=${q} ${reduction}`).toBeLessThan(F32_LOSS);
          loss.backward(reduction === 'none' ? tensor(seed, [B]) : undefined);
          const ref = gceGradRef(x, y, C, { q }, gRowOf(reduction, B, seed));
          expect(relError(await logits.grad!.data(), ref), `grad B=${B} C=${C} q=${q} ${reduction}`).toBeLessThan(F32_LOSS);
        }
      }
    }
  });

  // 1 − p^q cancels for small q or p near 1: computed naively in f32, q = 1e-4 and p = 0.9999
  // give 0 (100% error). What is left is the error of log p itself (log-sum-exp of a sum near 1,
  // ~1e-4 relative at worst), the same as softmaxCrossEntropy's; hence the 1e-3 bound per row.
  it('keeps its relative accuracy for small q and confident rows, where 1 − p^q cancels', async () => {
    const [B, C] = [33, 10];
    const x = randomArray(B * C, 3, -2, 2);
    const y = labelsFor(B, C, 4);
    for (let r = 0; r < B; r++) x[r * C + y[r]!] = 6 + (r % 5); // p between 0.98 and 0.9999
    for (const q of [1e-4, 1e-2]) {
      const out = await generalizedCrossEntropy(tensor(x, [B, C]), u32(y), q, 'none').data();
      const ref = gceRef(x, y, C, { q });
      // Per row, not just in norm: each term is tiny (1e-4 .. 2e-2).
      ref.forEach((v, r) => expect(Math.abs(out[r]! - v) / v, `q=${q} row ${r}`).toBeLessThan(1e-3));
    }
  });

  it('approaches cross-entropy as q → 0: q = 1e-4 gives its loss and logit gradient to 1e-3', async () => {
    const [B, C] = [33, 10];
    const x = randomArray(B * C, 11, -3, 3);
    const y = labelsFor(B, C, 12);
    const a = tensor(x, [B, C]).trainable();
    const b = tensor(x, [B, C]).trainable();
    const lq = generalizedCrossEntropy(a, u32(y), 1e-4, 'none');
    const ce = softmaxCrossEntropy(b, u32(y), 'none');
    expect(relError(await lq.data(), await ce.data())).toBeLessThan(1e-3);
    generalizedCrossEntropy(a, u32(y), 1e-4).backward();
    softmaxCrossEntropy(b, u32(y)).backward();
    expect(relError(await a.grad!.data(), await b.grad!.data())).toBeLessThan(1e-3);
    // ... and q = 0.5 is far from it, so the comparison can tell them apart.
    expect(relError(await generalizedCrossEntropy(a, u32(y), 0.5, 'none').data(), await ce.data())).toBeGreaterThan(0.1);
  });

  it('equals MAE at q = 1: 1 − p per row, the same as softmaxMae', async () => {
    const [B, C] = [7, 10];
    const x = randomArray(B * C, 13, -3, 3);
    const y = labelsFor(B, C, 14);
    const sm = softmaxRef(x, B, C);
    const oneMinusP = Float64Array.from(y, (label, r) => 1 - sm[r * C + label]!);
    expect(relError(await generalizedCrossEntropy(tensor(x, [B, C]), u32(y), 1, 'none').data(), oneMinusP)).toBeLessThan(F32_LOSS);
    expect(relError(await softmaxMae(tensor(x, [B, C]), u32(y), 'none').data(), oneMinusP)).toBeLessThan(F32_LOSS);
  });

  for (const mag of [80, 120]) {
    it(`stays finite and accurate for logits of magnitude ${mag}`, async () => {
      const [B, C] = [33, 127];
      const x = randomArray(B * C, 5, -mag, mag);
      const y = labelsFor(B, C, 6);
      const logits = tensor(x, [B, C]).trainable();
      const out = await generalizedCrossEntropy(logits, u32(y), 0.7, 'none').data();
      expect(out.every(Number.isFinite)).toBe(true);
      expect(relError(out, gceRef(x, y, C, { q: 0.7 }))).toBeLessThan(F32_LOSS);
      generalizedCrossEntropy(logits, u32(y), 0.7).backward();
      const grad = await logits.grad!.data();
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(relError(grad, gceGradRef(x, y, C, { q: 0.7 }, () => 1 / B))).toBeLessThan(F32_LOSS);
    });
  }

  it('gradient matches finite differences for every reduction', async () => {
    const y = u32([3, 0, 9, 4, 4, 1, 7]);
    for (const reduction of REDUCTIONS) {
      await gradcheck(([x]) => generalizedCrossEntropy(x!, y, 0.7, reduction), [{ data: randomArray(70, 21, -3, 3), shape: [7, 10] }]);
    }
  });

  it('throws LabelRangeError for a label out of range: NaN loss, no gradient and no keep for that row, the others untouched', async () => {
    const [B, C] = [7, 10];
    const x = randomArray(B * C, 31, -2, 2);
    const y = labelsFor(B, C, 32);
    const bad = Uint32Array.from(y);
    bad[2] = C;
    const ref = gceRef(x, y, C, { q: 0.7 });
    const logits = tensor(x, [B, C]).trainable();
    const terms = generalizedCrossEntropy(logits, u32(bad), 0.7, 'none');
    await expect(terms.data()).rejects.toThrow(LabelRangeError);
    const none = await terms.data(); // the fault is reported once
    [...none].forEach((v, r) => (r === 2 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(ref[r]!, 5)));
    generalizedCrossEntropy(logits, u32(bad), 0.7, 'sum').backward();
    await expect(logits.grad!.data()).rejects.toThrow(/generalizedCrossEntropy\(f32\[7,10\], u32\[7\]\) via kernel loss\/gce: label 10 is outside \[0, 10\)/);
    const grad = await logits.grad!.data();
    grad.forEach((v, i) => (Math.floor(i / C) === 2 ? expect(v).toBe(0) : expect(Number.isFinite(v)).toBe(true)));
    const keep = gceKeep(logits, u32(bad), 0.5);
    await expect(keep.data()).rejects.toThrow(/gceKeep/);
    expect((await keep.data())[2]).toBe(0);
  });

  it('rejects bad q, labels and logits, saying what to do', () => {
    const logits = tensor(randomArray(21, 1), [7, 3]);
    const y = u32([0, 1, 2, 0, 1, 2, 0]);
    expect(() => generalizedCrossEntropy(logits, y, 0)).toThrow(/q = 0 must be in \(0, 1\]; q → 0 is cross-entropy/);
    expect(() => generalizedCrossEntropy(logits, y, 1.5)).toThrow(/q = 1.5 must be in \(0, 1\]/);
    expect(() => generalizedCrossEntropy(logits, u32([0, 1]), 0.7)).toThrow(/need one label per row: \[7\]/);
    expect(() => generalizedCrossEntropy(logits, y, 0.7, 'avg' as Reduction)).toThrow(/reduction 'avg'/);
  });
});

// ---- truncated L_q --------------------------------------------------------------------------

describe('truncatedGce', () => {
  const [B, C] = [33, 10];
  // Rows spread over p in (0, 1): a third confident, the rest not, so both sides of k occur.
  const x = randomArray(B * C, 41, -2, 2);
  const y = labelsFor(B, C, 42);
  for (let r = 0; r < B; r += 3) x[r * C + y[r]!] = 4;
  const k = 0.5;
  const sm = softmaxRef(x, B, C);
  const p = Array.from(y, (label, r) => sm[r * C + label]!);

  it('without weights is min(L_q(p), L_q(k)) − L_q(k), with no gradient where p <= k', async () => {
    expect(p.some((v) => v > k) && p.some((v) => v <= k)).toBe(true);
    const seed = randomArray(B, 43, 0.5, 1.5);
    for (const reduction of REDUCTIONS) {
      const logits = tensor(x, [B, C]).trainable();
      const loss = truncatedGce(logits, u32(y), { q: 0.7, k }, reduction);
      const terms = Float64Array.from(p, (v) => Math.min(lqOf(v, 0.7), lqOf(k, 0.7)) - lqOf(k, 0.7));
      expect(relError(await loss.data(), reduce(terms, reduction))).toBeLessThan(F32_LOSS);
      loss.backward(reduction === 'none' ? tensor(seed, [B]) : undefined);
      const grad = await logits.grad!.data();
      expect(relError(grad, gceGradRef(x, y, C, { q: 0.7, k }, gRowOf(reduction, B, seed)))).toBeLessThan(F32_LOSS);
      p.forEach((v, r) => {
        const row = grad.subarray(r * C, (r + 1) * C);
        if (v <= k) expect([...row].every((g) => g === 0), `row ${r} (p = ${v.toFixed(3)})`).toBe(true);
        else expect(row.some((g) => g !== 0)).toBe(true);
      });
    }
  });

  it('with fixed weights v is v · (L_q(p) − L_q(k)), gradient scaled by v (zero where v = 0)', async () => {
    const weights = Float32Array.from({ length: B }, (_, r) => [1, 0, 0.5][r % 3]!);
    const seed = randomArray(B, 44, 0.5, 1.5);
    for (const reduction of REDUCTIONS) {
      const logits = tensor(x, [B, C]).trainable();
      const loss = truncatedGce(logits, u32(y), { q: 0.7, k, weights: tensor(weights, [B]) }, reduction);
      expect(relError(await loss.data(), reduce(gceRef(x, y, C, { q: 0.7, k, weights }), reduction))).toBeLessThan(F32_LOSS);
      loss.backward(reduction === 'none' ? tensor(seed, [B]) : undefined);
      const grad = await logits.grad!.data();
      expect(relError(grad, gceGradRef(x, y, C, { q: 0.7, k, weights }, gRowOf(reduction, B, seed)))).toBeLessThan(F32_LOSS);
      for (let r = 1; r < B; r += 3) expect([...grad.subarray(r * C, (r + 1) * C)].every((g) => g === 0)).toBe(true);
    }
  });

  it('gceKeep is the weight update [p > k]; as weights it reproduces the unweighted truncated loss', async () => {
    const keep = await gceKeep(tensor(x, [B, C]), u32(y), k).data();
    expect([...keep]).toEqual(p.map((v) => (v > k ? 1 : 0)));
    const a = tensor(x, [B, C]).trainable();
    const b = tensor(x, [B, C]).trainable();
    const la = truncatedGce(a, u32(y), { q: 0.7, k, weights: tensor(keep, [B]) });
    const lb = truncatedGce(b, u32(y), { q: 0.7, k });
    expect(relError(await la.data(), await lb.data())).toBeLessThan(1e-6);
    la.backward();
    lb.backward();
    expect(relError(await a.grad!.data(), await b.grad!.data())).toBeLessThan(1e-6);
  });

  it('gradients match finite differences, with and without weights', async () => {
    const ys = [3, 0, 9, 4, 4, 1, 7];
    const labels = u32(ys);
    // Rows far from the threshold (p <= 0.3 or >= 0.7 here), so the steps never cross it.
    const data = randomArray(70, 51, -2, 2);
    ys.forEach((label, r) => (data[r * 10 + label] = [0, 3, 5].includes(r) ? 6 : -2));
    const smx = softmaxRef(data, 7, 10);
    const px = ys.map((label, r) => smx[r * 10 + label]!);
    expect(px.every((v) => v <= 0.3 || v >= 0.7)).toBe(true);
    await gradcheck(([z]) => truncatedGce(z!, labels, { q: 0.7, k: 0.5 }, 'sum'), [{ data, shape: [7, 10] }]);
    const w = tensor(Float32Array.of(1, 0.5, 0, 1, 1, 0.25, 1), [7]);
    await gradcheck(([z]) => truncatedGce(z!, labels, { q: 0.7, k: 0.5, weights: w }, 'mean'), [{ data, shape: [7, 10] }]);
  });

  it('runs inside a compiled step with the weights fed per batch', async () => {
    const w = tensor(x, [B, C]).trainable();
    const step = await compile({ y: { shape: [B], dtype: 'u32' }, v: { shape: [B] } }, ({ y: labels, v }) => {
      const loss = truncatedGce(w, labels!, { q: 0.7, k, weights: v! });
      loss.backward();
      return { loss, grad: w.grad! };
    });
    for (const pattern of [[1, 0], [0, 1, 1]]) {
      const weights = Float32Array.from({ length: B }, (_, r) => pattern[r % pattern.length]!);
      const out = await step.run({ y, v: weights }, { read: ['loss', 'grad'] });
      expect(relError(out.loss!, reduce(gceRef(x, y, C, { q: 0.7, k, weights }), 'mean'))).toBeLessThan(F32_LOSS);
      expect(relError(out.grad!, gceGradRef(x, y, C, { q: 0.7, k, weights }, () => 1 / B))).toBeLessThan(F32_LOSS);
    }
    step.dispose();
  });

  it('rejects a bad threshold and weights of the wrong shape or dtype', () => {
    const logits = tensor(randomArray(21, 1), [7, 3]);
    const labels = u32([0, 1, 2, 0, 1, 2, 0]);
    expect(() => truncatedGce(logits, labels, { q: 0.7, k: 1 })).toThrow(/threshold k = 1 must be in \(0, 1\)/);
    expect(() => gceKeep(logits, labels, 0)).toThrow(/threshold k = 0 must be in \(0, 1\)/);
    expect(() => truncatedGce(logits, labels, { q: 0.7, k: 0.5, weights: tensor(randomArray(3, 2), [3]) })).toThrow(/need one weight per row: \[7\]/);
    expect(() => truncatedGce(logits, labels, { q: 0.7, k: 0.5, weights: labels })).toThrow(/weights .* are u32; per-example weights must be f32/);
  });
});
