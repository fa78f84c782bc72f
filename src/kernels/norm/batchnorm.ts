// Batch normalisation for [N, C] and [N, C, H, W] f32 inputs: shaders/norm/batchnorm.wgsl.
//
// Training: batch statistics (biased variance) normalise x, and an `effect` op updates the
// caller's running mean and variance in place (unbiased variance, as PyTorch). Eval: the
// running statistics normalise x. The backward is fused: two per-channel reductions give
// dbeta and dgamma, and one elementwise pass gives dx, including the terms that flow through
// the batch mean and variance.
import source from '../../../shaders/norm/batchnorm.wgsl';
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { requireDtype } from '../elementwise/checks.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { reshape } from '../shape/reshape.js';

const entry = (name: string) => new Kernel({ name: `norm/batchnorm/${name}`, source, entry: name });
const kernels = {
  stats: entry('stats'),
  normalize: entry('normalize'),
  gradSum: entry('grad_sum'),
  gradX: entry('grad_x'),
  updateRunning: entry('update_running'),
};

/** One thread per item; the norm kernels' workgroup size (WG) is their own, not ELEMENTWISE_WG. */
const threads = (kernel: Kernel, n: number) => grid1d(n, kernel.defaultWorkgroupSize[0]);

interface Attrs {
  /** x viewed as [N, C, S]. */
  shape: [number, number, number];
  /** Statistics from the batch, packed [2, C] (true), or the running [C] pair (false). */
  training: boolean;
  eps: number;
  momentum: number;
}

/** The uniforms of every entry point. */
function params({ shape: [n, c, s], training, eps, momentum }: Attrs) {
  return { n, c, s, var_base: training ? c : 0, eps, momentum };
}

/** [2, C]: batch mean, then biased batch variance. No backward of its own: batchNormOp's
 *  backward already includes the gradient through the batch statistics. */
const statsOp: OpDef<Attrs> = {
  name: 'batchNormStats',
  infer: (_, { shape: [, c] }) => ({ shape: [2, c], dtype: 'f32' }),
  lower(ctx, { inputs: [x3], attrs }) {
    ctx.dispatch({ kernel: kernels.stats, bind: { x: ctx.ref(x3!), out: ctx.out }, uniforms: params(attrs), workgroups: attrs.shape[1] });
  },
};

/** dbeta (`which` 0) or dgamma (1), each [C]. */
const gradSumOp: OpDef<Attrs & { which: 0 | 1 }> = {
  name: 'batchNormGradSum',
  infer: (_, { shape: [, c] }) => ({ shape: [c], dtype: 'f32' }),
  lower(ctx, { inputs: [x3, g3, mean, variance], attrs }) {
    ctx.dispatch({
      kernel: kernels.gradSum,
      constants: { GRAD_GAMMA: attrs.which },
      bind: { x: ctx.ref(x3!), g: ctx.ref(g3!), stat_mean: ctx.ref(mean!), stat_var: ctx.ref(variance!), out: ctx.out },
      uniforms: params(attrs),
      workgroups: attrs.shape[1],
    });
  },
};

const gradXOp: OpDef<Attrs> = {
  name: 'batchNormGradX',
  infer: ([x3]) => ({ shape: x3!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [x3, g3, mean, variance, gamma, dgamma, dbeta], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.gradX,
      constants: { BATCH_STATS: attrs.training ? 1 : 0 },
      bind: {
        x: ctx.ref(x3!),
        g: ctx.ref(g3!),
        stat_mean: ctx.ref(mean!),
        stat_var: ctx.ref(variance!),
        gamma: ctx.ref(gamma!),
        dgamma: ctx.ref(dgamma!),
        dbeta: ctx.ref(dbeta!),
        out: ctx.out,
      },
      uniforms: params(attrs),
      workgroups: threads(kernels.gradX, out.numel),
    });
  },
};

/** y = (x - mean) / sqrt(var + eps) * gamma + beta on x viewed as [N, C, S]. Inputs:
 *  x3, mean, var, gamma, beta; in training, mean and var are both the packed stats tensor. */
const batchNormOp: OpDef<Attrs> = {
  name: 'batchNorm',
  infer(inputs) {
    for (const t of inputs) requireDtype('batchNorm', t, 'f32');
    return { shape: inputs[0]!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x3, mean, variance, gamma, beta], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.normalize,
      bind: { x: ctx.ref(x3!), stat_mean: ctx.ref(mean!), stat_var: ctx.ref(variance!), gamma: ctx.ref(gamma!), beta: ctx.ref(beta!), out: ctx.out },
      uniforms: params(attrs),
      workgroups: threads(kernels.normalize, out.numel),
    });
  },
  backward(g3, { inputs: [x3, mean, variance, gamma], attrs }) {
    const sums = [x3!, g3, mean!, variance!];
    const dbeta = apply(gradSumOp, sums, { ...attrs, which: 0 });
    const dgamma = apply(gradSumOp, sums, { ...attrs, which: 1 });
    const dx = x3!.requiresGrad ? apply(gradXOp, [...sums, gamma!, dgamma, dbeta], attrs) : null;
    // The statistics get no gradient: batch ones are folded into dx, running ones are not trained.
    return [dx, null, null, dgamma, dbeta];
  },
};

/** Moves the running statistics toward the batch's (inputs: running mean, running var, stats). */
const updateRunningOp: OpDef<Attrs> = {
  name: 'batchNormUpdateRunning',
  effect: true,
  infer: () => ({ shape: [1], dtype: 'f32' }),
  lower(ctx, { inputs: [runMean, runVar, stats], attrs }) {
    ctx.dispatch({
      kernel: kernels.updateRunning,
      bind: { run_mean: ctx.ref(runMean!), run_var: ctx.ref(runVar!), stat_mean: ctx.ref(stats!), stat_var: ctx.ref(stats!) },
      uniforms: params(attrs),
      workgroups: threads(kernels.updateRunning, attrs.shape[1]),
    });
  },
};

export interface BatchNormOptions {
  /** Batch statistics and running-statistics updates (true), or the running statistics (false). */
  training: boolean;
  /** Weight of the batch statistics in the running average (PyTorch's convention). */
  momentum?: number;
  eps?: number;
}

function checkInputs(x: Tensor, perChannel: Record<string, Tensor>, opts: BatchNormOptions): [number, number, number] {
  if (x.rank !== 2 && x.rank !== 4) fail(`batchNorm: x must be [N, C] or [N, C, H, W], got ${fmt(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  for (const [name, t] of Object.entries(perChannel)) {
    if (!sameShape(t.shape, [c])) fail(`batchNorm: ${name} must be [${c}] (one value per channel of x ${fmt(x.shape)}), got ${fmt(t.shape)}`);
  }
  for (const name of ['runningMean', 'runningVar']) {
    if (perChannel[name]!.kind !== 'leaf') fail(`batchNorm: ${name} must be a leaf tensor the caller owns (it is updated in place), got ${perChannel[name]}`);
  }
  const { momentum = 0.1, eps = 1e-5 } = opts;
  if (!(momentum >= 0 && momentum <= 1)) fail(`batchNorm: momentum ${momentum} must lie in [0, 1]`);
  if (!(eps > 0)) fail(`batchNorm: eps ${eps} must be positive`);
  const s = x.numel / (n * c);
  if (opts.training && n * s < 2) {
    fail(`batchNorm: training needs more than one value per channel to estimate a variance, got x ${fmt(x.shape)}; use a larger batch or eval mode`);
  }
  return [n, c, s];
}

/**
 * Batch normalisation over the channel axis (1) of x [N, C] or [N, C, H, W]. In training mode
 * it normalises with the batch mean and biased variance and updates `runningMean` and
 * `runningVar` in place: running = (1 - momentum) * running + momentum * batch, with the
 * unbiased variance. In eval mode it normalises with the running statistics. Gradients flow to
 * x, gamma and beta.
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  opts: BatchNormOptions,
): Tensor {
  const shape = checkInputs(x, { gamma, beta, runningMean, runningVar }, opts);
  const attrs: Attrs = { shape, training: opts.training, eps: opts.eps ?? 1e-5, momentum: opts.momentum ?? 0.1 };
  const x3 = reshape(x, shape);
  let y3: Tensor;
  if (opts.training) {
    const stats = apply(statsOp, [x3], attrs);
    y3 = apply(batchNormOp, [x3, stats, stats, gamma, beta], attrs);
    apply(updateRunningOp, [runningMean, runningVar, stats], attrs);
  } else {
    y3 = apply(batchNormOp, [x3, runningMean, runningVar, gamma, beta], attrs);
  }
  return reshape(y3, x.shape);
}
