// The residual sum of a rescaled block with its ReLU, y = relu(alpha·x + beta·m·f), as one
// kernel forward and one per input backward (shaders/nn/residual-mix.wgsl). With alpha = beta
// = m = 1 it is the plain block's relu(x + f).
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/nn/residual-mix.wgsl';
import { fail } from '../../device/errors.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

const entry = (name: string) => new Kernel({ name: `nn/residual-mix/${name}`, source: [nan, source], entry: name });
const kernels = { forward: entry('forward'), gradInput: entry('grad_input'), gradM: entry('grad_m') };

export interface Attrs {
  alpha: number;
  beta: number;
}

/** d x (which 0) or d f (which 1). Inputs m, y, g. */
const gradInputOp: OpDef<Attrs & { which: 0 | 1 }> = {
  name: 'residualMixGradInput',
  infer: ([, y]) => ({ shape: y!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [m, y, g], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.gradInput,
      constants: { GRAD_BRANCH: attrs.which },
      bind: { m: ctx.ref(m!), y: ctx.ref(y!), g: ctx.ref(g!), out: ctx.out },
      uniforms: { n: out.numel, alpha: attrs.alpha, beta: attrs.beta },
      workgroups: grid1d(out.numel, kernels.gradInput.defaultWorkgroupSize[0]),
    });
  },
};

/** d m [1]. Inputs f, y, g. */
const gradMOp: OpDef<Attrs> = {
  name: 'residualMixGradM',
  infer: () => ({ shape: [1], dtype: 'f32' }),
  lower(ctx, { inputs: [f, y, g], attrs }) {
    ctx.dispatch({
      kernel: kernels.gradM,
      bind: { f: ctx.ref(f!), y: ctx.ref(y!), g: ctx.ref(g!), out: ctx.out },
      uniforms: { n: y!.numel, alpha: attrs.alpha, beta: attrs.beta },
      workgroups: 1,
    });
  },
};

const mixOp: OpDef<Attrs> = {
  name: 'residualMix',
  infer([x, f, m]) {
    for (const t of [x!, f!, m!]) requireDtype('residualMix', t, 'f32');
    if (!sameShape(x!.shape, f!.shape)) fail(`residualMix: skip ${fmt(x!.shape)} and branch ${fmt(f!.shape)} must have the same shape`);
    if (!sameShape(m!.shape, [1])) fail(`residualMix: the multiplier m must be [1], got ${fmt(m!.shape)}`);
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x, f, m], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.forward,
      bind: { x: ctx.ref(x!), f: ctx.ref(f!), m: ctx.ref(m!), out: ctx.out },
      uniforms: { n: out.numel, alpha: attrs.alpha, beta: attrs.beta },
      workgroups: grid1d(out.numel, kernels.forward.defaultWorkgroupSize[0]),
    });
  },
  backward(g, { inputs: [x, f, m], attrs }, y) {
    const input = (which: 0 | 1) => apply(gradInputOp, [m!, y, g], { ...attrs, which });
    return [
      x!.requiresGrad ? input(0) : null,
      f!.requiresGrad ? input(1) : null,
      m!.requiresGrad ? apply(gradMOp, [f!, y, g], attrs) : null,
    ];
  },
};

/** relu(alpha·x + beta·m·f) for a skip path x, a branch output f of the same shape and m [1]. */
export function residualMix(x: Tensor, f: Tensor, m: Tensor, { alpha, beta }: Attrs): Tensor {
  for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
    if (!Number.isFinite(v)) fail(`residualMix: ${name} = ${v} must be a finite number`);
  }
  return apply(mixOp, [x, f, m], { alpha, beta });
}
