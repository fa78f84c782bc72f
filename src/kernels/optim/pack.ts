// Gathers the gradients of an optimizer group into its flat gradient buffer, so that one update
// dispatch covers every parameter of the group. Inside compile() the plan computes each gradient
// straight into its region (OpDef.place) and this op dispatches nothing; eagerly, or for a
// gradient the plan could not place, it copies (shaders/optim/pack.wgsl).
import source from '../../../shaders/optim/pack.wgsl';
import { fail } from '../../device/errors.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';

const kernel = new Kernel({ name: 'optim/pack', source });

interface Attrs {
  /** Byte offset of each gradient's region in the flat buffer (the first input). */
  byteOffsets: readonly number[];
}

const packOp: OpDef<Attrs> = {
  name: 'packGradients',
  effect: true,
  infer: () => ({ shape: [1], dtype: 'f32' }),
  place({ inputs: [flat, ...grads], attrs }) {
    return grads.map((value, i) => ({ value, into: flat!, byteOffset: attrs.byteOffsets[i]! }));
  },
  lower(ctx, { inputs: [flat, ...grads], attrs }) {
    const base = ctx.ref(flat!);
    grads.forEach((g, i) => {
      const offset = (base.offset ?? 0) + attrs.byteOffsets[i]!;
      const src = ctx.ref(g);
      if (src.buffer === base.buffer && (src.offset ?? 0) === offset) return; // computed in place
      ctx.dispatch({
        kernel,
        bind: { src, dst: { buffer: base.buffer, offset, size: g.bytes } },
        uniforms: { n: g.numel },
        workgroups: grid1d(g.numel),
      });
    });
  },
};

/** Records (or, eagerly, runs) the copy of each f32 gradient into `flat` at its byte offset. */
export function packGradients(flat: Tensor, grads: readonly Tensor[], byteOffsets: readonly number[]): Tensor {
  if (grads.length !== byteOffsets.length) fail(`internal: ${grads.length} gradients, ${byteOffsets.length} offsets`);
  grads.forEach((g, i) => {
    if (g.dtype !== 'f32' || byteOffsets[i]! + g.bytes > flat.bytes) fail(`internal: gradient ${g} does not fit ${flat} at byte ${byteOffsets[i]}`);
  });
  return apply(packOp, [flat, ...grads], { byteOffsets });
}
