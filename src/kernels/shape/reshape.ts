// reshape: the same storage seen with another shape. No kernel runs.
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, numel } from '../../tensor/shape.js';

const reshapeOp: OpDef<{ shape: readonly number[] }> = {
  name: 'reshape',
  view: true,
  infer([x], { shape }) {
    if (numel(shape) !== x!.numel) fail(`reshape: cannot view ${x} as ${fmt(shape)} (${numel(shape)} elements)`);
    return { shape, dtype: x!.dtype };
  },
  lower() {
    // Views never lower: the plan and the eager executor alias the input's buffer.
  },
  backward(g, { inputs: [x] }) {
    return [reshape(g, x!.shape)];
  },
};

/** One dimension may be -1 and is then inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const holes = shape.length - known.length;
  if (holes > 1) fail(`reshape: at most one -1 in ${fmt(shape)}`);
  const resolved = holes ? shape.map((d) => (d === -1 ? x.numel / numel(known) : d)) : shape;
  if (resolved.length === x.rank && resolved.every((d, i) => d === x.shape[i])) return x;
  return apply(reshapeOp, [x], { shape: resolved });
}
