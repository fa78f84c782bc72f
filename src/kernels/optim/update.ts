// The one effect op every optimizer uses: a kernel that updates a parameter and its state
// buffers in place (no value of its own). Plans run effects after everything that reads the
// parameter, in the order they were applied.
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import type { Constants, Kernel } from '../../device/kernel.js';
import type { UniformValue } from '../../device/uniforms.js';

interface Attrs {
  kernel: Kernel;
  constants: Constants;
  /** The WGSL buffer name of each input, in order. */
  names: readonly string[];
  uniforms: Record<string, UniformValue>;
  /** Threads to launch (one per parameter element, or 1). */
  threads: number;
}

const updateOp: OpDef<Attrs> = {
  name: 'optimizerUpdate',
  effect: true,
  infer: () => ({ shape: [1], dtype: 'f32' }),
  lower(ctx, { inputs, attrs }) {
    ctx.dispatch({
      kernel: attrs.kernel,
      constants: attrs.constants,
      bind: Object.fromEntries(attrs.names.map((name, i) => [name, ctx.ref(inputs[i]!)])),
      uniforms: attrs.uniforms,
      workgroups: grid1d(attrs.threads, ELEMENTWISE_WG),
    });
  },
};

/** Records (or, eagerly, runs) `kernel` over named buffers it updates in place. */
export function inPlaceUpdate(
  kernel: Kernel,
  buffers: Record<string, Tensor>,
  uniforms: Record<string, UniformValue>,
  constants: Constants = {},
  threads = 1,
): Tensor {
  return apply(updateOp, Object.values(buffers), { kernel, constants, names: Object.keys(buffers), uniforms, threads });
}

/** Every per-element buffer of an update (gradient, state) must be f32 and shaped like the parameter. */
export function checkPerElement(what: string, param: Tensor, perElement: Record<string, Tensor>): void {
  for (const [name, t] of Object.entries({ param, ...perElement })) {
    if (t.dtype !== 'f32') fail(`${what}: ${name} ${t} is ${t.dtype}; optimizers update f32 parameters`);
    if (!sameShape(t.shape, param.shape)) {
      fail(`${what}: ${name} has shape ${fmt(t.shape)} but the parameter ${param} has ${fmt(param.shape)}`);
    }
  }
}

/** Updates a parameter in place from per-element buffers and the hyperparameter block `hyper`. */
export function parameterUpdate(
  kernel: Kernel,
  param: Tensor,
  perElement: Record<string, Tensor>,
  hyper: Tensor,
  uniforms: Record<string, UniformValue>,
  constants: Constants = {},
): Tensor {
  checkPerElement(kernel.name, param, perElement);
  return inPlaceUpdate(kernel, { param, ...perElement, hyper }, { n: param.numel, ...uniforms }, constants, param.numel);
}
