// transpose: swaps the last two dimensions (every leading dimension is a batch), as a copy:
// shaders/shape/transpose.wgsl. Matmul reads transposes in place; this is for everything else.
import source from '../../../shaders/shape/transpose.wgsl';
import { fail } from '../../device/errors.js';
import { DTYPES } from '../../tensor/dtype.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, numel } from '../../tensor/shape.js';
import { Kernel } from '../../device/kernel.js';

const kernel = new Kernel({ name: 'shape/transpose', source });

const TILE = 16;
const MAX_GROUPS = 65535;

const transposeOp: OpDef<Record<string, never>> = {
  name: 'transpose',
  infer([x]) {
    if (x!.rank < 2) fail(`transpose: ${x} has rank ${x!.rank}; it swaps the last two dimensions, so reshape to 2-D first`);
    if (DTYPES[x!.dtype].perWord !== 1) fail(`transpose: ${x} is packed ${x!.dtype}; transpose f32, u32 or i32 tensors`);
    const s = [...x!.shape];
    [s[s.length - 2], s[s.length - 1]] = [s.at(-1)!, s.at(-2)!];
    return { shape: s, dtype: x!.dtype };
  },
  lower(ctx, { inputs: [x] }) {
    const [rows, cols] = x!.shape.slice(-2) as [number, number];
    const batch = numel(x!.shape.slice(0, -2));
    const groups = [Math.ceil(cols / TILE), Math.ceil(rows / TILE)];
    if (groups.some((g) => g > MAX_GROUPS)) fail(`transpose: ${fmt(x!.shape)} has a matrix dimension over ${MAX_GROUPS * TILE}`);
    ctx.dispatch({
      kernel,
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: { batch, rows, cols },
      workgroups: [groups[0]!, groups[1]!, Math.min(batch, MAX_GROUPS)],
    });
  },
  backward(g) {
    return [transpose(g)];
  },
};

/** x [..., R, C] → [..., C, R]. */
export function transpose(x: Tensor): Tensor {
  return apply(transposeOp, [x], {});
}
