// LWE ops are one dispatch of one kernel with one thread per output word (ciphertexts are u32
// rows [B, dim + 1], not ring polynomials): this builds their OpDef from the kernel, the WGSL
// names of the inputs, the shape rule and the uniforms, as rns/kernel-op.ts does for rings.
import { grid1d } from '../../device/grid.js';
import type { Constants, Kernel } from '../../device/kernel.js';
import type { UniformValue } from '../../device/uniforms.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';

export interface FlatOpSpec<A> {
  name: string;
  kernel: Kernel;
  /** WGSL names of the tensor inputs in `apply` order; the output binds as `out`. */
  bind: readonly string[];
  /** Validates the inputs (fail() with a clear message) and returns the output shape. */
  shape(inputs: readonly Tensor[], attrs: A): readonly number[];
  /** Uniform values; `total` (the output's word count) is added. */
  uniforms(inputs: readonly Tensor[], attrs: A): Record<string, UniformValue>;
  constants?(attrs: A): Constants;
}

export function flatOp<A>(spec: FlatOpSpec<A>): (inputs: readonly Tensor[], attrs: A) => Tensor {
  const op: OpDef<A> = {
    name: spec.name,
    infer: (inputs, attrs) => ({ shape: spec.shape(inputs, attrs), dtype: 'u32' }),
    lower(ctx, { inputs, attrs }, out) {
      const bind: Record<string, ReturnType<typeof ctx.ref>> = { out: ctx.out };
      spec.bind.forEach((name, i) => (bind[name] = ctx.ref(inputs[i]!)));
      ctx.dispatch({ kernel: spec.kernel, constants: spec.constants?.(attrs), bind, uniforms: { total: out.numel, ...spec.uniforms(inputs, attrs) }, workgroups: grid1d(out.numel) });
    },
  };
  return (inputs, attrs) => apply(op, inputs, attrs);
}
