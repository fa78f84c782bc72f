// The sum of two same-shape f32 gradients (shaders/graph/accumulate.wgsl). Autograd adds the
// gradients that reach one tensor with it; it lives in the graph layer, beside autograd, because
// the elementwise ops of src/kernels sit above this layer and may not be imported from here.
import source from '../../shaders/graph/accumulate.wgsl';
import { fail } from '../device/errors.js';
import { grid1d } from '../device/grid.js';
import { Kernel } from '../device/kernel.js';
import { sameShape, fmt } from '../tensor/shape.js';
import { apply, type OpDef, type Tensor } from '../tensor/tensor.js';

const kernel = new Kernel({ name: 'graph/accumulate', source });

const accumulateOp: OpDef<null> = {
  name: 'accumulate',
  infer([a, b]) {
    if (!sameShape(a!.shape, b!.shape)) fail(`internal: accumulate of gradients shaped ${fmt(a!.shape)} and ${fmt(b!.shape)}`);
    if (a!.dtype !== 'f32' || b!.dtype !== 'f32') {
      fail(`backward(): gradients that meet at one tensor are summed in f32, got ${a!.dtype} and ${b!.dtype}; cast that tensor to f32 before using it twice`);
    }
    return { shape: a!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b] }, out) {
    ctx.dispatch({
      kernel,
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), out: ctx.out },
      uniforms: { n: out.numel },
      workgroups: grid1d(out.numel),
    });
  },
};

export function accumulate(a: Tensor, b: Tensor): Tensor {
  return apply(accumulateOp, [a, b], null);
}
