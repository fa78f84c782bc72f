// Direct (implicit-GEMM) convolution: shaders/conv/direct.wgsl. Four ops that read the image,
// the weights and the output gradient in place, with no im2col matrix:
//   forward       out = x ⋆ w + bias
//   input grad    dx  = gᵀ ⋆ w   (the adjoint of the forward in x)
//   weight grad   dW  = g ⋆ x    (split-K: a long reduction to a small output)
//   bias grad     db  = Σ g      (split-K)
// The three bilinear ops are each other's gradients (forward in x is input grad in g, and so
// on), so gradients of gradients stay on this path too.
import source from '../../../shaders/conv/direct.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { apply, type LowerCtx, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { requireDtype } from '../elementwise/checks.js';
import { broadcastTo } from '../shape/broadcast.js';
import { reshape } from '../shape/reshape.js';
import { planSplits, splitK, type SplitPlan } from './split-k.js';
import { windowGeometry, type Geometry, type Window } from './window.js';

/** Small workgroups: each thread does an 8×4 block, and small grids still spread over every core. */
const WG = 64;
const entry = (name: string) => new Kernel({ name: `conv/${name}`, source, entry: name });
const kernels = {
  forward: entry('conv_forward'),
  inputGrad: entry('conv_input_grad'),
  weightPartials: entry('conv_weight_partials'),
  biasPartials: entry('conv_bias_partials'),
};

export interface ConvAttrs {
  win: Window;
  /** The input image shape [N, C, H, W]. */
  image: readonly number[];
  /** Output channels O. */
  outChannels: number;
}

const blocks = (n: number, size: number) => Math.ceil(n / size);

function geometry(what: string, a: ConvAttrs): Geometry {
  return windowGeometry(what, a.image, a.win);
}

function outShape(what: string, a: ConvAttrs): number[] {
  const g = geometry(what, a);
  return [g.n, a.outChannels, ...g.outSize];
}

function weightShape(a: ConvAttrs): number[] {
  return [a.outChannels, a.image[1]!, ...a.win.kernel];
}

function requireShape(what: string, name: string, t: Tensor, expected: readonly number[]): void {
  requireDtype(what, t, 'f32');
  if (!sameShape(t.shape, expected)) fail(`${what}: ${name} ${fmt(t.shape)} should be ${fmt(expected)}`);
}

interface Launch {
  threads: number;
  /** Weight and bias gradients: the (n, oh) rows each split sums. */
  rowsPerSplit?: number;
  /** Forward only (the other entry points have no HAS_BIAS override). */
  hasBias?: boolean;
}

function dispatch(ctx: LowerCtx, kernel: Kernel, a: ConvAttrs, bind: Record<string, BufferRef>, { threads, rowsPerSplit = 0, hasBias }: Launch) {
  const g = geometry(kernel.name, a);
  ctx.dispatch({
    kernel,
    constants: hasBias === undefined ? { WG } : { WG, HAS_BIAS: hasBias ? 1 : 0 },
    bind,
    uniforms: {
      total: threads,
      in_ch: g.c,
      out_ch: a.outChannels,
      rows_per_split: rowsPerSplit,
      size: g.size,
      out_size: g.outSize,
      kernel: a.win.kernel,
      stride: a.win.stride,
      pad: a.win.padding,
      batch: g.n,
    },
    workgroups: grid1d(threads, WG),
  });
}

/** The (n, oh) rows the gradients sum over, and the split-K plan for `threadsPerSplit` threads. */
function reductionPlan(a: ConvAttrs, threadsPerSplit: number): SplitPlan {
  const g = geometry('conv2d', a);
  return planSplits(g.n * g.outSize[0], threadsPerSplit);
}

const forwardOp: OpDef<ConvAttrs> = {
  name: 'conv2dDirect',
  infer([x, w, bias], a) {
    requireShape('conv2dDirect', 'input', x!, a.image);
    requireShape('conv2dDirect', 'weight', w!, weightShape(a));
    if (bias) requireShape('conv2dDirect', 'bias', bias, [a.outChannels]);
    return { shape: outShape('conv2dDirect', a), dtype: 'f32' };
  },
  lower(ctx, { inputs: [x, w, bias], attrs: a }) {
    const g = geometry('conv2dDirect', a);
    const threads = g.n * blocks(a.outChannels, 8) * g.outSize[0] * blocks(g.outSize[1], 4);
    const bind = { src: ctx.ref(x!), other: ctx.ref(w!), bias: ctx.ref(bias ?? w!), dst: ctx.out };
    dispatch(ctx, kernels.forward, a, bind, { threads, hasBias: !!bias });
  },
  backward(g, { inputs: [x, w, bias], attrs: a }) {
    return [
      x!.requiresGrad ? convInputGrad(g, w!, a) : null,
      w!.requiresGrad ? convWeightGrad(g, x!, a) : null,
      bias?.requiresGrad ? convBiasGrad(g, a) : null,
    ];
  },
};

const inputGradOp: OpDef<ConvAttrs> = {
  name: 'conv2dInputGrad',
  infer([g, w], a) {
    requireShape('conv2dInputGrad', 'output gradient', g!, outShape('conv2dInputGrad', a));
    requireShape('conv2dInputGrad', 'weight', w!, weightShape(a));
    return { shape: a.image, dtype: 'f32' };
  },
  lower(ctx, { inputs: [g, w], attrs: a }) {
    const geo = geometry('conv2dInputGrad', a);
    const threads = geo.n * blocks(geo.c, 8) * geo.size[0] * blocks(geo.size[1], 4);
    dispatch(ctx, kernels.inputGrad, a, { src: ctx.ref(g!), other: ctx.ref(w!), dst: ctx.out }, { threads });
  },
  // dx is bilinear in (g, w): its gradient in g is the forward pass, in w the weight gradient.
  backward(gx, { inputs: [g, w], attrs: a }) {
    return [g!.requiresGrad ? conv2dDirect(gx, w!, undefined, a) : null, w!.requiresGrad ? convWeightGrad(g!, gx, a) : null];
  },
};

const weightGradOp: OpDef<ConvAttrs> = {
  name: 'conv2dWeightGrad',
  infer([g, x], a) {
    requireShape('conv2dWeightGrad', 'output gradient', g!, outShape('conv2dWeightGrad', a));
    requireShape('conv2dWeightGrad', 'input', x!, a.image);
    return { shape: weightShape(a), dtype: 'f32' };
  },
  lower(ctx, { inputs: [g, x], attrs: a }, out) {
    const perSplit = blocks(a.image[1]!, 4) * blocks(a.outChannels, 8) * a.win.kernel[0] * a.win.kernel[1];
    const plan = reductionPlan(a, perSplit);
    splitK(ctx, plan, out.numel, ctx.out, (dst) =>
      dispatch(ctx, kernels.weightPartials, a, { src: ctx.ref(x!), other: ctx.ref(g!), dst }, { threads: plan.splits * perSplit, rowsPerSplit: plan.rowsPerSplit }),
    );
  },
  // dW is bilinear in (g, x): its gradient in g is the forward pass of x, in x the input gradient.
  backward(gw, { inputs: [g, x], attrs: a }) {
    return [g!.requiresGrad ? conv2dDirect(x!, gw, undefined, a) : null, x!.requiresGrad ? convInputGrad(g!, gw, a) : null];
  },
};

const biasGradOp: OpDef<ConvAttrs> = {
  name: 'conv2dBiasGrad',
  infer([g], a) {
    requireShape('conv2dBiasGrad', 'output gradient', g!, outShape('conv2dBiasGrad', a));
    return { shape: [a.outChannels], dtype: 'f32' };
  },
  lower(ctx, { inputs: [g], attrs: a }, out) {
    const plan = reductionPlan(a, a.outChannels);
    splitK(ctx, plan, out.numel, ctx.out, (dst) =>
      dispatch(ctx, kernels.biasPartials, a, { other: ctx.ref(g!), dst }, { threads: plan.splits * a.outChannels, rowsPerSplit: plan.rowsPerSplit }),
    );
  },
  backward(gb, { attrs: a }) {
    return [broadcastTo(reshape(gb, [1, a.outChannels, 1, 1]), outShape('conv2dBiasGrad', a))];
  },
};

/** out [N, O, OH, OW] = x [N, C, H, W] ⋆ w [O, C, kh, kw] (+ bias [O]) without im2col. */
export function conv2dDirect(x: Tensor, w: Tensor, bias: Tensor | undefined, a: ConvAttrs): Tensor {
  return apply(forwardOp, bias ? [x, w, bias] : [x, w], a);
}

/** The forward pass's gradient in x: output gradient g [N, O, OH, OW] → [N, C, H, W]. */
export function convInputGrad(g: Tensor, w: Tensor, a: ConvAttrs): Tensor {
  return apply(inputGradOp, [g, w], a);
}

/** The forward pass's gradient in w: Σ over batch and positions of g times the input windows. */
export function convWeightGrad(g: Tensor, x: Tensor, a: ConvAttrs): Tensor {
  return apply(weightGradOp, [g, x], a);
}

/** The forward pass's gradient in the bias: g summed over batch and positions, per channel. */
export function convBiasGrad(g: Tensor, a: ConvAttrs): Tensor {
  return apply(biasGradOp, [g], a);
}
