// Generalized cross entropy L_q, its truncated form and MAE (Zhang & Sabuncu 2018), each one
// fused kernel forward (plus the shared reduction) and one backward: shaders/loss/gce.wgsl
// (with the shared row-lse.wgsl).
import nan from '../../../shaders/common/nan.wgsl';
import rowLse from '../../../shaders/loss/row-lse.wgsl';
import source from '../../../shaders/loss/gce.wgsl';
import { fail } from '../../device/errors.js';
import { fmt } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { Kernel, type Constants } from '../../device/kernel.js';
import { checkLabels } from '../../kernels/loss/labels.js';
import { checkReduction, gradTerms, lowerReduced, reducedShape, type Reduction } from '../../kernels/loss/reduction.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const sources = [rowLse, nan, FAULTS_WGSL, source];
const kernels = {
  forward: new Kernel({ name: 'loss/gce', source: sources, entry: 'forward' }),
  forwardWeighted: new Kernel({ name: 'loss/gce-weighted', source: sources, entry: 'forward_weighted' }),
  backward: new Kernel({ name: 'loss/gce-grad', source: sources, entry: 'backward' }),
  backwardWeighted: new Kernel({ name: 'loss/gce-weighted-grad', source: sources, entry: 'backward_weighted' }),
  keep: new Kernel({ name: 'loss/gce-keep', source: sources, entry: 'keep' }),
};
/** Read when first dispatched, not at import: kernels reflect on first use. */
const rowWg = () => kernels.forward.defaultWorkgroupSize[0];

interface Attrs {
  q: number;
  /** Truncation threshold; null for plain L_q. */
  k: number | null;
  /** A third input holds per-example weights v (truncated L_q only). */
  weighted: boolean;
  reduction: Reduction;
}

/** L_q(p) = (1 − p^q)/q in float64, accurate for small q. */
export function lqOf(p: number, q: number): number {
  return -Math.expm1(q * Math.log(p)) / q;
}

function truncation(attrs: Attrs) {
  // log k for "no threshold" is never read (TRUNCATE 0); any finite value will do.
  return attrs.k === null ? { log_k: 0, offset: 0 } : { log_k: Math.log(attrs.k), offset: lqOf(attrs.k, attrs.q) };
}

/** Weighted entries read v from memory and have no TRUNCATE constant. */
function constantsOf(attrs: Attrs): Constants {
  return attrs.weighted ? {} : { TRUNCATE: attrs.k === null ? 0 : 1 };
}

function rowsCols(logits: Tensor): [number, number] {
  return logits.shape as [number, number];
}

const gceGradOp: OpDef<Attrs> = {
  name: 'gceGrad',
  infer: ([logits]) => ({ shape: logits!.shape, dtype: 'f32' }),
  lower(ctx, { inputs, attrs }) {
    const [logits, labels] = inputs;
    const g = inputs[inputs.length - 1]!;
    const [rows, cols] = rowsCols(logits!);
    const bind = { x: ctx.ref(logits!), labels: ctx.ref(labels!), g: ctx.ref(g), dx: ctx.out };
    ctx.dispatch({
      kernel: attrs.weighted ? kernels.backwardWeighted : kernels.backward,
      constants: constantsOf(attrs),
      bind: attrs.weighted ? { ...bind, weights: ctx.ref(inputs[2]!) } : bind,
      uniforms: { rows, cols, ...gradTerms(attrs.reduction, rows), q: attrs.q, log_k: truncation(attrs).log_k },
      workgroups: grid1d(rows, rowWg()),
    });
  },
};

const gceOp: OpDef<Attrs> = {
  name: 'generalizedCrossEntropy',
  infer(inputs, { reduction }) {
    return { shape: reducedShape(reduction, [inputs[0]!.shape[0]!]), dtype: 'f32' };
  },
  lower(ctx, { inputs, attrs }) {
    const [logits, labels, weights] = inputs;
    const [rows, cols] = rowsCols(logits!);
    lowerReduced(ctx, attrs.reduction, rows, (loss) =>
      ctx.dispatch({
        kernel: attrs.weighted ? kernels.forwardWeighted : kernels.forward,
        constants: constantsOf(attrs),
        bind: { x: ctx.ref(logits!), labels: ctx.ref(labels!), loss, ...(weights ? { weights: ctx.ref(weights) } : {}) },
        uniforms: { rows, cols, q: attrs.q, ...truncation(attrs) },
        workgroups: grid1d(rows, rowWg()),
      }),
    );
  },
  backward: (g, { inputs, attrs }) => [apply(gceGradOp, [...inputs, g], attrs), null, ...(attrs.weighted ? [null] : [])],
};

const keepOp: OpDef<{ k: number }> = {
  name: 'gceKeep',
  infer: ([logits]) => ({ shape: [logits!.shape[0]!], dtype: 'f32' }),
  lower(ctx, { inputs: [logits, labels], attrs }) {
    const [rows, cols] = rowsCols(logits!);
    ctx.dispatch({
      kernel: kernels.keep,
      bind: { x: ctx.ref(logits!), labels: ctx.ref(labels!), keep_out: ctx.out },
      uniforms: { rows, cols, q: 1, log_k: Math.log(attrs.k), offset: 0 },
      workgroups: grid1d(rows, rowWg()),
    });
  },
};

function checkQ(op: string, q: number): number {
  if (!(Number.isFinite(q) && q > 0 && q <= 1)) fail(`${op}: q = ${q} must be in (0, 1]; q → 0 is cross-entropy (use softmaxCrossEntropy), q = 1 is MAE`);
  return q;
}

function checkK(op: string, k: number): number {
  if (!(k > 0 && k < 1)) fail(`${op}: threshold k = ${k} must be in (0, 1) (the paper uses 0.5)`);
  return k;
}

function checkWeights(op: string, logits: Tensor, weights: Tensor): void {
  if (weights.dtype !== 'f32') fail(`${op}: weights ${weights} are ${weights.dtype}; per-example weights must be f32`);
  const batch = logits.shape[0]!;
  if (weights.rank !== 1 || weights.shape[0] !== batch) {
    fail(`${op}: weights have shape ${fmt(weights.shape)}, but logits ${fmt(logits.shape)} need one weight per row: [${batch}]`);
  }
}

/**
 * The L_q loss (1 − p^q)/q of p = softmax(logits)[label], per row, then reduced ('mean' over the
 * batch, 'sum' or 'none'). q in (0, 1]: q → 0 approaches cross-entropy, q = 1 is 1 − p (MAE).
 * Its logit gradient is cross-entropy's scaled by p^q per row. A label outside [0, classes)
 * gives its row a NaN loss and no gradient, and reading throws LabelRangeError.
 */
export function generalizedCrossEntropy(logits: Tensor, labels: Tensor, q: number, reduction: Reduction = 'mean'): Tensor {
  checkLabels('generalizedCrossEntropy', logits, labels);
  const attrs: Attrs = { q: checkQ('generalizedCrossEntropy', q), k: null, weighted: false, reduction: checkReduction('generalizedCrossEntropy', reduction) };
  return apply(gceOp, [logits, labels], attrs);
}

/**
 * MAE for a softmax classifier with one-hot targets, as 1 − p (half of ‖e_y − softmax‖₁: same
 * direction, half the gradient), which is L_q at q = 1.
 */
export function softmaxMae(logits: Tensor, labels: Tensor, reduction: Reduction = 'mean'): Tensor {
  return generalizedCrossEntropy(logits, labels, 1, reduction);
}

export interface TruncatedOptions {
  q: number;
  /** Threshold k in (0, 1). */
  k: number;
  /**
   * Per-example weights v [batch] (f32), held fixed (the paper's alternating search between
   * pruning steps). Left out, v = [p > k] at the current logits: the truncated loss itself.
   */
  weights?: Tensor;
}

/**
 * Truncated L_q: per row v · (L_q(p) − L_q(k)), reduced. Without weights, v = [p > k], so the
 * term is min(L_q(p), L_q(k)) − L_q(k) and rows with p <= k have no gradient; with weights,
 * the θ-step objective of the paper's alternating search (weights from gceKeep at pruning).
 */
export function truncatedGce(logits: Tensor, labels: Tensor, opts: TruncatedOptions, reduction: Reduction = 'mean'): Tensor {
  const op = 'truncatedGce';
  checkLabels(op, logits, labels);
  if (opts.weights) checkWeights(op, logits, opts.weights);
  const attrs: Attrs = { q: checkQ(op, opts.q), k: checkK(op, opts.k), weighted: !!opts.weights, reduction: checkReduction(op, reduction) };
  return apply(gceOp, opts.weights ? [logits, labels, opts.weights] : [logits, labels], attrs);
}

/** The weight update of truncated L_q: 1 where softmax(logits)[label] > k, else 0 (f32 [batch]). No gradient. */
export function gceKeep(logits: Tensor, labels: Tensor, k: number): Tensor {
  checkLabels('gceKeep', logits, labels);
  return apply(keepOp, [logits, labels], { k: checkK('gceKeep', k) });
}
