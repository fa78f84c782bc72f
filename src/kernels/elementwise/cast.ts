// cast: f32 <-> f16 (IEEE binary16) on adapters with shader-f16: shaders/elementwise/cast-f16.wgsl.
import source from '../../../shaders/elementwise/cast-f16.wgsl';
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import type { DType } from '../../tensor/dtype.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

const toF16 = new Kernel({ name: 'elementwise/cast-to-f16', source, entry: 'to_f16' });
const toF32 = new Kernel({ name: 'elementwise/cast-to-f32', source, entry: 'to_f32' });

const castOp: OpDef<{ to: DType }> = {
  name: 'cast',
  infer([x], { to }) {
    const pair = `${x!.dtype}->${to}`;
    if (pair !== 'f32->f16' && pair !== 'f16->f32') fail(`cast: ${pair} is not supported; cast between f32 and f16`);
    if (!runtime().gpu.has('shader-f16')) {
      fail(`cast: f16 needs the adapter feature 'shader-f16', which this adapter (${runtime().gpu.adapter.description || 'unknown'}) lacks; keep this tensor in f32`);
    }
    return { shape: x!.shape, dtype: to };
  },
  lower(ctx, { inputs: [x], attrs }, out) {
    const half = attrs.to === 'f16';
    ctx.dispatch({
      kernel: half ? toF16 : toF32,
      bind: half ? { src32: ctx.ref(x!), dst16: ctx.out } : { src16: ctx.ref(x!), dst32: ctx.out },
      uniforms: { n: out.numel },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { inputs: [x] }) {
    return [cast(g, x!.dtype)];
  },
};

/** Converts between f32 and f16 (round to nearest even); the identity when the dtype matches. */
export function cast(x: Tensor, to: DType): Tensor {
  return x.dtype === to ? x : apply(castOp, [x], { to });
}
