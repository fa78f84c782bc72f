// Most RNS ops are one dispatch of one kernel with one thread per output word: this builds
// their OpDef from the kernel, the WGSL names of the inputs, the shape rule and the uniforms.
import type { Constants, Kernel } from '../../device/kernel.js';
import type { UniformValue } from '../../device/uniforms.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';
import { elementGrid } from './layout.js';

export interface RnsOpSpec<A> {
  name: string;
  kernel: Kernel;
  /** WGSL names of the tensor inputs in `apply` order (tables included); the output binds as `out`. */
  bind: readonly string[];
  /** Validates the inputs (fail() with a clear message) and returns the output shape. */
  shape(inputs: readonly Tensor[], attrs: A): readonly number[];
  /** Uniform values; `rows` is also the number of N-word rows the grid covers. */
  uniforms(inputs: readonly Tensor[], attrs: A): Record<string, UniformValue> & { rows: number };
  constants?(attrs: A): Constants;
}

export interface RnsAttrs {
  ring: RnsContext;
}

export function rnsOp<A extends RnsAttrs>(spec: RnsOpSpec<A>): (inputs: readonly Tensor[], attrs: A) => Tensor {
  const op: OpDef<A> = {
    name: spec.name,
    infer(inputs, attrs) {
      return { shape: spec.shape(inputs, attrs), dtype: 'u32' };
    },
    lower(ctx, { inputs, attrs }) {
      const bind: Record<string, ReturnType<typeof ctx.ref>> = { out: ctx.out };
      spec.bind.forEach((name, i) => (bind[name] = ctx.ref(inputs[i]!)));
      const uniforms = { log_n: attrs.ring.logN, ...spec.uniforms(inputs, attrs) };
      ctx.dispatch({
        kernel: spec.kernel,
        constants: spec.constants?.(attrs),
        bind,
        uniforms,
        workgroups: elementGrid(uniforms.rows, attrs.ring.n),
      });
    },
  };
  return (inputs, attrs) => apply(op, inputs, attrs);
}
