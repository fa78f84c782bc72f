// The data-dependent centering bias of Shao et al. 2020 (shaders/nn/centering.wgsl):
// y = x + s·p − mu on x [N, C], with mu the average of the first T0 training batches' means
// (then frozen) and s = damping during those batches, 1 after. p is trained; mu and the batch
// count are state that no gradient reaches, and dx = g (the batch mean is not differentiated).
import source from '../../../shaders/nn/centering.wgsl';
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { inPlaceUpdate } from '../optim/update.js';

const entry = (name: string) => new Kernel({ name: `nn/centering/${name}`, source, entry: name });
const kernels = { snapshot: entry('snapshot'), apply: entry('apply'), biasGrad: entry('bias_grad'), commit: entry('commit') };

const threads = (kernel: Kernel, n: number) => grid1d(n, kernel.defaultWorkgroupSize[0]);

interface Attrs {
  n: number;
  c: number;
  t0: number;
  damping: number;
  training: boolean;
}

const uniforms = ({ n, c, t0, damping }: Attrs) => ({ n, c, t0, damping });

/** [2, C]: the mean used this step, then s. Inputs x, mu, count. No gradient (statistics). */
const snapshotOp: OpDef<Attrs> = {
  name: 'centeringSnapshot',
  infer: (_, { c }) => ({ shape: [2, c], dtype: 'f32' }),
  lower(ctx, { inputs: [x, mu, count], attrs }) {
    ctx.dispatch({
      kernel: kernels.snapshot,
      constants: { UPDATE: attrs.training ? 1 : 0 },
      bind: { x: ctx.ref(x!), mu_in: ctx.ref(mu!), count_in: ctx.ref(count!), out: ctx.out },
      uniforms: uniforms(attrs),
      workgroups: threads(kernels.snapshot, attrs.c),
    });
  },
};

/** dp = s · column sums of g. Inputs g, snapshot. */
const biasGradOp: OpDef<Attrs> = {
  name: 'centeringBiasGrad',
  infer: (_, { c }) => ({ shape: [c], dtype: 'f32' }),
  lower(ctx, { inputs: [g, state], attrs }) {
    ctx.dispatch({
      kernel: kernels.biasGrad,
      bind: { g: ctx.ref(g!), state: ctx.ref(state!), out: ctx.out },
      uniforms: uniforms(attrs),
      workgroups: threads(kernels.biasGrad, attrs.c),
    });
  },
};

/** y = x + s·p − mu. Inputs x, p, snapshot; gradients to x (identity) and p. */
const applyOp: OpDef<Attrs> = {
  name: 'centeringBias',
  infer: ([x]) => ({ shape: x!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [x, p, state], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.apply,
      bind: { x: ctx.ref(x!), bias: ctx.ref(p!), state: ctx.ref(state!), out: ctx.out },
      uniforms: uniforms(attrs),
      workgroups: threads(kernels.apply, out.numel),
    });
  },
  backward(g, { inputs: [, p, state], attrs }) {
    return [g, p!.requiresGrad ? apply(biasGradOp, [g, state!], attrs) : null, null];
  },
};

export interface CenteringBiasOptions {
  /** Training mode: fold this batch into mu while fewer than t0 batches were seen, and count it. */
  training: boolean;
  /** Batches whose means are averaged into mu before it freezes (the authors' code: 8). */
  t0?: number;
  /** Factor on p during those batches (the authors' code: 0.01). */
  damping?: number;
}

/**
 * The centering bias on x [N, C]: returns x + s·p − mu. `p` [C] is the trained bias; `mean` [C]
 * (f32) and `count` [1] (u32) are leaves the caller owns, updated in place in training mode
 * (at the end of a compiled step, after the backward pass).
 */
export function centeringBias(x: Tensor, p: Tensor, mean: Tensor, count: Tensor, opts: CenteringBiasOptions): Tensor {
  if (x.rank !== 2) fail(`centeringBias: x must be [N, C], got ${fmt(x.shape)}; reshape first`);
  const [n, c] = x.shape as [number, number];
  for (const [name, t] of [['x', x], ['p', p], ['mean', mean]] as const) requireDtype(`centeringBias ${name}`, t, 'f32');
  requireDtype('centeringBias count', count, 'u32');
  for (const [name, t] of [['p', p], ['mean', mean]] as const) {
    if (!sameShape(t.shape, [c])) fail(`centeringBias: ${name} must be [${c}] (one value per channel of x ${fmt(x.shape)}), got ${fmt(t.shape)}`);
  }
  if (!sameShape(count.shape, [1])) fail(`centeringBias: count must be [1], got ${fmt(count.shape)}`);
  for (const [name, t] of [['mean', mean], ['count', count]] as const) {
    if (t.kind !== 'leaf') fail(`centeringBias: ${name} must be a leaf tensor the caller owns (it is updated in place), got ${t}`);
    if (t.requiresGrad) fail(`centeringBias: ${name} is state, not a parameter; do not mark it trainable`);
  }
  const { t0 = 8, damping = 0.01, training } = opts;
  if (!Number.isInteger(t0) || t0 < 0) fail(`centeringBias: t0 = ${t0} must be a non-negative integer`);
  if (!(damping >= 0 && damping <= 1)) fail(`centeringBias: damping = ${damping} must lie in [0, 1]`);
  const attrs: Attrs = { n, c, t0, damping, training };
  const state = apply(snapshotOp, [x, mean, count], attrs);
  const y = apply(applyOp, [x, p, state], attrs);
  if (training) {
    const commit = inPlaceUpdate(kernels.commit, { mu: mean, count, state }, uniforms(attrs), {}, c);
    // Eagerly it has run; while tracing the plan keeps it.
    if (!runtime().tracing) commit.dispose();
  }
  return y;
}
