// The bit-exact integer specification of the hybrid network's training: every value an
// integer, every re-quantisation a site (requantize.ts) followed by PBS tables (tables.ts), in
// the order the encrypted run performs them. Weights live in BGV mod t = 2^T, so they are kept
// centred mod 2^T here too; every accumulator is read only through a window W ≤ T.
import { fail } from '../../../device/errors.js';
import { CLASSES } from '../data.js';
import { sitesOf, type HybridConfig, type HybridSites } from './config.js';
import { seededUniform, shuffled } from './prng.js';
import { inRange, modPow2, siteInput, type RequantSite } from './requantize.js';
import { maskedSignedTable, pbs, reluDerivativeTable, reluTable, signedTable } from './tables.js';

/** W1: hidden × features, W2: 10 × hidden, row-major integers. */
export interface IntegerWeights {
  hidden: Int32Array;
  output: Int32Array;
}

/** Counts of accumulators that fell outside their site's signed range (wrapped), per site. */
export type WrapCounts = Record<keyof HybridSites, number>;

const centredMod = (x: number, bits: number) => {
  const r = modPow2(x, bits);
  return r >= 2 ** (bits - 1) ? r - 2 ** bits : r;
};

export function initialWeights(c: HybridConfig): IntegerWeights {
  const next = seededUniform(c.seed);
  const draw = (count: number, r: number) => Int32Array.from({ length: count }, () => Math.floor(next() * (2 * r + 1)) - r);
  return { hidden: draw(c.hidden * c.features, c.initRange.hidden), output: draw(CLASSES * c.hidden, c.initRange.output) };
}

/** Frozen features (part 1's integer PCA features, n × d) through the feature site: signed p-bit inputs. */
export function quantizeFeatures(c: HybridConfig, features: Float64Array, wraps?: WrapCounts): Int32Array {
  const sites = sitesOf(c);
  const f = signedTable(c.p);
  return Int32Array.from(features, (z) => {
    if (wraps && !inRange(sites.feature, z)) wraps.feature++;
    return pbs(f, siteInput(sites.feature, z));
  });
}

/** Σ_k a[k]·b[k] over strided rows: an exact integer accumulator (BGV's coefficient dot product). */
function dot(a: ArrayLike<number>, aAt: number, aStride: number, b: ArrayLike<number>, bAt: number, bStride: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += a[aAt + i * aStride]! * b[bAt + i * bStride]!;
  return s;
}

/** The hidden layer of one sample: activations h and ReLU′ masks m (both PBS outputs of one input). */
function hiddenLayer(c: HybridConfig, sites: HybridSites, w: IntegerWeights, x: Int32Array, at: number, wraps?: WrapCounts) {
  const h = new Int32Array(c.hidden);
  const m = new Int32Array(c.hidden);
  const relu = reluTable(c.p);
  const relu1 = reluDerivativeTable(c.p);
  for (let j = 0; j < c.hidden; j++) {
    const z = dot(w.hidden, j * c.features, 1, x, at, 1, c.features);
    count(wraps, sites.hidden, z);
    const u = siteInput(sites.hidden, z);
    h[j] = pbs(relu, u);
    m[j] = pbs(relu1, u);
  }
  return { h, m };
}

function count(wraps: WrapCounts | undefined, s: RequantSite, z: number): void {
  if (wraps && !inRange(s, z)) wraps[s.name as keyof HybridSites]++;
}

export const noWraps = (): WrapCounts => ({ feature: 0, hidden: 0, output: 0, backward: 0, gradHidden: 0, gradOutput: 0 });

/**
 * One SGD step on the samples `batch` (indices into x, n × d quantised features, and labels),
 * with every product taken against the weights before the step. Returns the new weights.
 * Order: forward (hidden site → ReLU, ReLU′; output site → signed), error e = o − Y·y,
 * backward (Σ_c W2 e → backward site with the mask bit → masked), weight gradients
 * G2 = Σ_b e hᵀ, G1 = Σ_b g xᵀ → gradient sites → signed updates, W ← W − ΔW mod 2^T.
 */
export function integerStep(
  c: HybridConfig, w: IntegerWeights, x: Int32Array, labels: Uint8Array, batch: readonly number[], wraps?: WrapCounts,
): IntegerWeights {
  const sites = sitesOf(c);
  const d = c.features;
  const H = c.hidden;
  const signed = signedTable(c.p);
  const masked = maskedSignedTable(c.p);
  const B = batch.length;
  const hs = new Int32Array(B * H);
  const gs = new Int32Array(B * H);
  const es = new Int32Array(B * CLASSES);
  batch.forEach((i, b) => {
    const { h, m } = hiddenLayer(c, sites, w, x, i * d, wraps);
    hs.set(h, b * H);
    for (let k = 0; k < CLASSES; k++) {
      const z = dot(w.output, k * H, 1, h, 0, 1, H);
      count(wraps, sites.output, z);
      es[b * CLASSES + k] = pbs(signed, siteInput(sites.output, z)) - (labels[i] === k ? c.targetScale : 0);
    }
    for (let j = 0; j < H; j++) {
      const z = dot(w.output, j, H, es, b * CLASSES, 1, CLASSES);
      count(wraps, sites.backward, z);
      // The mask bit is added on the torus (mod 2^(p+1)); a wrapped hidden input can make m = −1.
      const u = modPow2(siteInput(sites.backward, z) + m[j]! * 2 ** (c.p - 1), c.p + 1);
      gs[b * H + j] = pbs(masked, u);
    }
  });
  const output = new Int32Array(CLASSES * H);
  for (let k = 0; k < CLASSES; k++) {
    for (let j = 0; j < H; j++) {
      const g = dot(es, k, CLASSES, hs, j, H, B);
      count(wraps, sites.gradOutput, g);
      output[k * H + j] = centredMod(w.output[k * H + j]! - pbs(signed, siteInput(sites.gradOutput, g)), c.plainBits);
    }
  }
  const hidden = new Int32Array(H * d);
  for (let j = 0; j < H; j++) {
    for (let f = 0; f < d; f++) {
      let g = 0;
      for (let b = 0; b < B; b++) g += gs[b * H + j]! * x[batch[b]! * d + f]!;
      count(wraps, sites.gradHidden, g);
      hidden[j * d + f] = centredMod(w.hidden[j * d + f]! - pbs(signed, siteInput(sites.gradHidden, g)), c.plainBits);
    }
  }
  return { hidden, output };
}

/** The minibatches of every epoch: a seeded shuffle per epoch, whole batches only. */
export function batchSchedule(c: HybridConfig, n: number): number[][] {
  if (!Number.isInteger(c.batch) || c.batch < 1 || c.batch > n) fail(`hybrid: batch ${c.batch} must be an integer in [1, ${n}] samples`);
  const next = seededUniform(c.seed ^ 0x5bd1e995);
  const out: number[][] = [];
  for (let e = 0; e < c.epochs; e++) {
    const order = shuffled(n, next);
    for (let s = 0; s + c.batch <= n; s += c.batch) out.push(order.slice(s, s + c.batch));
  }
  return out;
}

/** Test accuracy of integer weights: the same forward pass, argmax of the exact output accumulators. */
export function integerAccuracy(c: HybridConfig, w: IntegerWeights, x: Int32Array, labels: Uint8Array): number {
  const sites = sitesOf(c);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const { h } = hiddenLayer(c, sites, w, x, i * c.features);
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < CLASSES; k++) {
      const z = dot(w.output, k * c.hidden, 1, h, 0, 1, c.hidden);
      if (z > bestZ) [best, bestZ] = [k, z];
    }
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

export interface IntegerTraining {
  weights: IntegerWeights;
  steps: number;
  wraps: WrapCounts;
  /** Largest |weight| over the run (the BGV plaintext must hold it: < 2^(T−1)). */
  maxAbsWeight: number;
}

/** The whole quantised training on already-quantised features (see quantizeFeatures). */
export function integerTraining(c: HybridConfig, x: Int32Array, labels: Uint8Array, onStep?: (step: number, w: IntegerWeights) => void): IntegerTraining {
  let w = initialWeights(c);
  const wraps = noWraps();
  let maxAbsWeight = 0;
  const schedule = batchSchedule(c, labels.length);
  schedule.forEach((batch, step) => {
    w = integerStep(c, w, x, labels, batch, wraps);
    for (const v of [...w.hidden, ...w.output]) maxAbsWeight = Math.max(maxAbsWeight, Math.abs(v));
    onStep?.(step, w);
  });
  return { weights: w, steps: schedule.length, wraps, maxAbsWeight };
}
