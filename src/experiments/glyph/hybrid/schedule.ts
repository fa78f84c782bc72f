// The ops one SGD step of the hybrid network performs on ciphertexts, in order, with counts
// (spec part 2 §4 and G6), and the op-count cost model for G6's three ways of costing a step.
// Layout (coefficient encoding, src/fhe/bgv/coefficients.ts): a vector sits in the first
// coefficients of a polynomial, a matrix as reversed rows spaced 2k − 1 apart, so one ct × ct
// puts every dot product of a matrix-vector product in its own coefficient; an outer product
// e hᵀ is E(X) = Σ_c e_c X^(c·h) times H(X) = Σ_j h_j X^j, and summing it over the batch gives
// a weight gradient in one ciphertext. PBS outputs return to BGV by packing (LWE → BGV), where
// each value lands in the coefficient its next product needs (so a value needed in two layouts
// is packed twice). Each distinct PBS input needs one LWE key switch (N → n) first.
import { CLASSES } from '../data.js';
import { sitesOf, type HybridConfig } from './config.js';
import { digitPbsCount, type RequantSite } from './requantize.js';

export type OpKind = 'ct-pt' | 'ct-ct' | 'relinearize' | 'bgv-to-lwe' | 'extract' | 'lwe-keyswitch' | 'pbs' | 'lwe-to-bgv' | 'rotation';

export interface StepOp {
  kind: OpKind;
  count: number;
  /** What the op computes (and for a PBS, its tables). */
  what: string;
}

/** The PBS of `values` accumulators at one site: digit removal, then the final tables (one PBS each). */
function siteOps(s: RequantSite, values: number, tables: string[]): StepOp[] {
  return [
    { kind: 'bgv-to-lwe', count: 1, what: `${s.name}: switch the accumulator ciphertext to one prime, LSB → MSB` },
    { kind: 'extract', count: values, what: `${s.name}: sample-extract ${values} coefficients` },
    { kind: 'lwe-keyswitch', count: values * (1 + digitPbsCount(s)), what: `${s.name}: N → n before each distinct PBS input` },
    { kind: 'pbs', count: values * digitPbsCount(s), what: `${s.name}: digit removal, window W = ${s.window} (topbit, digit)` },
    ...tables.map((t): StepOp => ({ kind: 'pbs', count: values, what: `${s.name}: table ${t}` })),
  ];
}

/** Once per private sample (the frozen public layer): projection ct × pt and the feature site. */
export function setupSchedule(c: HybridConfig, pixels: number): StepOp[] {
  const s = sitesOf(c);
  return [
    { kind: 'ct-pt', count: c.features * pixels, what: 'frozen PCA layer: F_f = Σ_p P[f,p]·x_p (scalar MACs)' },
    ...siteOps(s.feature, c.features, [`signed${c.p}`]),
    { kind: 'lwe-to-bgv', count: c.features, what: 'pack x in coefficients 0..d−1' },
  ];
}

/** One SGD step on a minibatch, per the order of simulate.ts's integerStep. */
export function stepSchedule(c: HybridConfig): StepOp[] {
  const s = sitesOf(c);
  const { batch: B, hidden: h, features: d, p } = c;
  const perSample = (ops: StepOp[]) => ops.map((o) => ({ ...o, count: o.count * B }));
  return [
    ...perSample([
      { kind: 'ct-ct', count: 1, what: 'forward: X(X) · W1(X) → z1 in h coefficients' },
      { kind: 'relinearize', count: 1, what: 'forward: relinearize z1' },
      ...siteOps(s.hidden, h, [`relu${p}`, `relu'${p}`]),
      { kind: 'lwe-to-bgv', count: h, what: 'pack h in coefficients 0..h−1 (ReLU′ masks stay LWE)' },
      { kind: 'ct-ct', count: 1, what: 'forward: H(X) · W2(X) → z2 in 10 coefficients' },
      { kind: 'relinearize', count: 1, what: 'forward: relinearize z2' },
      ...siteOps(s.output, CLASSES, [`signed${p}`]),
      { kind: 'lwe-to-bgv', count: 2 * CLASSES, what: 'pack o twice (backward layout, outer-product layout); e = o − Y·y by BGV subtraction' },
      { kind: 'ct-ct', count: 1, what: 'backward: E(X) · W2ᵀ(X) → δ in h coefficients' },
      { kind: 'relinearize', count: 1, what: 'backward: relinearize δ' },
      ...siteOps(s.backward, h, [`masked${p} (input + 2^(p−1)·ReLU′ mask, added on the LWE)`]),
      { kind: 'lwe-to-bgv', count: h, what: 'pack g at coefficients j·d' },
      { kind: 'ct-ct', count: 2, what: 'gradients: E(X)·H(X) and G(X)·X(X), summed over the batch' },
    ]),
    { kind: 'relinearize', count: 2, what: 'gradients: relinearize the two batch sums' },
    ...siteOps(s.gradOutput, CLASSES * h, [`signed${p}`]),
    ...siteOps(s.gradHidden, h * d, [`signed${p}`]),
    { kind: 'lwe-to-bgv', count: 2 * CLASSES * h + h * d, what: 'pack ΔW2 (both layouts of W2) and ΔW1; W ← W − ΔW by BGV subtraction' },
  ];
}

/** Totals per op kind. */
export function opCounts(ops: readonly StepOp[]): Record<OpKind, number> {
  const out: Record<OpKind, number> = { 'ct-pt': 0, 'ct-ct': 0, relinearize: 0, 'bgv-to-lwe': 0, extract: 0, 'lwe-keyswitch': 0, pbs: 0, 'lwe-to-bgv': 0, rotation: 0 };
  for (const o of ops) out[o.kind] += o.count;
  return out;
}

/** Paterson–Stockmeyer for degree D: k ≈ √(D/2) baby steps, m giant steps with 2^m·k > D. */
function psPlan(degree: number) {
  const k = Math.max(1, Math.ceil(Math.sqrt(degree / 2)));
  const m = Math.ceil(Math.log2((degree + 1) / k));
  return { powers: k - 1 + m, combine: 2 ** Math.max(0, m - 1) - 1 };
}

/**
 * Non-scalar multiplications to evaluate a polynomial of degree D by Paterson–Stockmeyer:
 * baby steps x^2..x^k (k − 1), giant steps x^(2^i·k) for i < m (m), and 2^(m−1) − 1 to combine
 * the blocks (or D − 1 plain powers when fewer).
 */
export function patersonStockmeyerMultiplications(degree: number): number {
  if (degree <= 1) return 0;
  const { powers, combine } = psPlan(degree);
  return Math.min(degree - 1, powers + combine);
}

/**
 * G6 (b): the same step all in BGV with slot batching, FHESGD-style: every site becomes a
 * polynomial over Z_t' (t' ≥ 2^W prime, so any function of a W-bit window is a polynomial of
 * degree ≤ t' − 1 = 2^W) evaluated once per ciphertext of up to `slots` values; ReLU and ReLU′
 * of one input are two polynomials sharing the baby and giant steps. Dot products over slots
 * need log2(k) rotations each ciphertext. Depth is ≈ W levels per site, so its ct × ct runs at
 * much larger parameters than the hybrid's (cost it with that latency).
 */
export function allBgvSchedule(c: HybridConfig, slots: number): StepOp[] {
  const s = sitesOf(c);
  const { batch: B, hidden: h, features: d } = c;
  const cts = (values: number) => Math.ceil(values / slots);
  const poly = (site: RequantSite, values: number, polys: number): StepOp => {
    const D = 2 ** site.window;
    // A second polynomial on the same powers re-does only the combination step.
    const extra = (polys - 1) * psPlan(D).combine;
    return { kind: 'ct-ct', count: cts(values) * (patersonStockmeyerMultiplications(D) + extra), what: `${site.name}: degree-${D} polynomial(s) by Paterson–Stockmeyer` };
  };
  const mac = (values: number, k: number, what: string): StepOp[] => [
    { kind: 'ct-ct', count: cts(values * k), what: `${what}: slot-wise products` },
    { kind: 'rotation', count: cts(values * k) * Math.ceil(Math.log2(k)), what: `${what}: rotate-and-add over ${k} terms` },
  ];
  return [
    ...mac(B * h, d, 'forward hidden'),
    poly(s.hidden, B * h, 2),
    ...mac(B * CLASSES, h, 'forward output'),
    poly(s.output, B * CLASSES, 1),
    ...mac(B * h, CLASSES, 'backward'),
    poly(s.backward, B * h, 1),
    { kind: 'ct-ct', count: cts(B * h), what: 'backward: ReLU′ mask product' },
    ...mac(CLASSES * h, B, 'gradient W2'),
    poly(s.gradOutput, CLASSES * h, 1),
    ...mac(h * d, B, 'gradient W1'),
    poly(s.gradHidden, h * d, 1),
  ];
}

/** Seconds per op; filled from measurements (G6), not assumed here. */
export type OpLatencies = Record<OpKind, number>;

/** Σ count × latency: a step's cost from its op counts (stated as counted ops × measured latencies). */
export function stepCost(ops: readonly StepOp[], latency: OpLatencies): number {
  const counts = opCounts(ops);
  return (Object.keys(counts) as OpKind[]).reduce((sum, k) => sum + counts[k] * latency[k], 0);
}

/** Measured per-op latencies for G6's three costings (each from its own parameters / batch size). */
export interface G6Latencies {
  /** (a) the hybrid as run: PBS and key switches amortised over a batched dispatch. */
  batched: OpLatencies;
  /** (c) the same ops one at a time. */
  single: OpLatencies;
  /** (b) all-BGV: ct × ct and rotations at the depth its polynomials need. */
  allBgv: OpLatencies;
}

/** One training step costed three ways, and (a)'s saving against (b) (Glyph claims 69%–99%). */
export function g6Costs(c: HybridConfig, latency: G6Latencies, slots: number) {
  const hybrid = stepCost(stepSchedule(c), latency.batched);
  const allBgv = stepCost(allBgvSchedule(c, slots), latency.allBgv);
  const unbatched = stepCost(stepSchedule(c), latency.single);
  return { hybrid, allBgv, unbatched, reductionVsAllBgv: 1 - hybrid / allBgv };
}
