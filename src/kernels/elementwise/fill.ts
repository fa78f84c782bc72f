// Constant tensors computed on the GPU (so a compiled plan can contain them): fill.wgsl.
import source from '../../../shaders/elementwise/fill.wgsl';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

const kernel = new Kernel({ name: 'elementwise/fill', source });

const fillOp: OpDef<{ shape: readonly number[]; value: number }> = {
  name: 'fill',
  infer: (_, { shape }) => ({ shape, dtype: 'f32' }),
  lower(ctx, { attrs }, out) {
    ctx.dispatch({
      kernel,
      bind: { out: ctx.out },
      uniforms: { n: out.numel, value: attrs.value },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
};

export function fill(shape: readonly number[], value: number): Tensor {
  return apply(fillOp, [], { shape, value });
}
