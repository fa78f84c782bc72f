// Elementwise losses of a prediction and a target of the same shape, each one fused kernel
// forward (plus the shared reduction) and one per differentiated input backward:
// shaders/loss/pointwise.wgsl.
import source from '../../../shaders/loss/pointwise.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { fail } from '../../device/errors.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { checkReduction, gradTerms, lowerReduced, reducedShape, type Reduction } from './reduction.js';

const LOSSES = new CodeTable('LOSS', ['mseLoss', 'sigmoidBce'] as const);
type LossKind = (typeof LOSSES.names)[number];

const sources = LOSSES.withSource('loss/pointwise', POISON_WGSL, source);
const forward = new Kernel({ name: 'loss/pointwise', source: sources, entry: 'forward' });
const backward = new Kernel({ name: 'loss/pointwise-grad', source: sources, entry: 'backward' });

interface Attrs {
  kind: LossKind;
  reduction: Reduction;
}

const pointwiseGradOp: OpDef<Attrs & { wrt: 0 | 1 }> = {
  name: 'pointwiseLossGrad',
  infer: ([a]) => ({ shape: a!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [a, b, g], attrs }, out) {
    ctx.dispatch({
      kernel: backward,
      constants: { LOSS: LOSSES.code[attrs.kind], WRT_TARGET: attrs.wrt },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), g: ctx.ref(g!), grad: ctx.out },
      uniforms: { n: out.numel, ...gradTerms(attrs.reduction, out.numel) },
      workgroups: grid1d(out.numel, backward.defaultWorkgroupSize[0]),
    });
  },
};

const pointwiseOp: OpDef<Attrs> = {
  name: 'pointwiseLoss',
  infer([a, b], { kind, reduction }) {
    requireDtype(kind, a!, 'f32');
    requireDtype(kind, b!, 'f32');
    if (!sameShape(a!.shape, b!.shape)) {
      fail(`${kind}: prediction ${fmt(a!.shape)} and target ${fmt(b!.shape)} must have the same shape (no broadcasting here; broadcastTo first)`);
    }
    return { shape: reducedShape(reduction, a!.shape), dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b], attrs }) {
    const n = a!.numel;
    lowerReduced(ctx, attrs.reduction, n, (loss) =>
      ctx.dispatch({
        kernel: forward,
        constants: { LOSS: LOSSES.code[attrs.kind] },
        bind: { a: ctx.ref(a!), b: ctx.ref(b!), loss },
        uniforms: { n },
        workgroups: grid1d(n, forward.defaultWorkgroupSize[0]),
      }),
    );
  },
  backward(g, { inputs: [a, b], attrs }) {
    const grad = (wrt: 0 | 1) => apply(pointwiseGradOp, [a!, b!, g], { ...attrs, wrt });
    return [a!.requiresGrad ? grad(0) : null, b!.requiresGrad ? grad(1) : null];
  },
};

function loss(kind: LossKind) {
  return (pred: Tensor, target: Tensor, reduction: Reduction = 'mean') =>
    apply(pointwiseOp, [pred, target], { kind, reduction: checkReduction(kind, reduction) });
}

/** (pred − target)² per element, then 'mean' (over all elements), 'sum' or 'none'. */
export const mseLoss = loss('mseLoss');
/**
 * Binary cross-entropy of sigmoid(logits) against targets in [0, 1], computed from the logits
 * as max(x, 0) − x·t + log(1 + exp(−|x|)) so it stays finite for any |x|; reduced as mseLoss.
 */
export const sigmoidBce = loss('sigmoidBce');
