// broadcastTo: one copy through stride-0 dimensions (shaders/shape/broadcast.wgsl); its gradient
// is sumTo. broadcastUniforms gives every broadcasting kernel its index arithmetic.
import indexSource from '../../../shaders/shape/broadcast-index.wgsl';
import source from '../../../shaders/shape/broadcast.wgsl';
import { fail } from '../../device/errors.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { DTYPES } from '../../tensor/dtype.js';
import { broadcastShapes, checkShape, fmt, sameShape } from '../../tensor/shape.js';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { sumTo } from '../reduce/reduce.js';

const kernel = new Kernel({ name: 'shape/broadcast', source: [indexSource, source] });

export const MAX_BROADCAST_DIMS = 8;

/**
 * Collapses the broadcast to at most 8 dims: adjacent dims merge when every operand is
 * contiguous across them. Returns the out shape and per-operand strides (0 = broadcast).
 */
function broadcastLayout(out: readonly number[], operands: readonly (readonly number[])[]): {
  shape: number[];
  strides: number[][];
} {
  const stridesOf = (shape: readonly number[]) => {
    const s = new Array<number>(out.length).fill(0);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const j = out.length - shape.length + i;
      s[j] = shape[i] === 1 ? 0 : acc;
      acc *= shape[i]!;
    }
    return s;
  };
  let shape = [...out];
  let strides = operands.map(stridesOf);
  // Drop size-1 dims, then merge mergeable neighbours.
  const keep = shape.map((d) => d !== 1);
  shape = shape.filter((_, i) => keep[i]);
  strides = strides.map((s) => s.filter((_, i) => keep[i]));
  for (let i = shape.length - 2; i >= 0; i--) {
    if (strides.every((s) => s[i] === s[i + 1]! * shape[i + 1]!)) {
      shape[i] = shape[i]! * shape[i + 1]!;
      shape.splice(i + 1, 1);
      strides.forEach((s) => s.splice(i, 1));
    }
  }
  if (shape.length > MAX_BROADCAST_DIMS) {
    fail(`broadcast of ${out.length}-d shapes needs ${shape.length} dims after collapsing; at most ${MAX_BROADCAST_DIMS} are supported`);
  }
  while (shape.length < MAX_BROADCAST_DIMS) {
    shape.unshift(1);
    strides.forEach((s) => s.unshift(0));
  }
  return { shape, strides };
}

/**
 * The uniforms of broadcast-index.wgsl for operands named `names` (shape_hi/lo and
 * <name>_strides_hi/lo: the 8 collapsed dims travel as two vec4s).
 */
export function broadcastUniforms(out: readonly number[], operands: Record<string, readonly number[]>): Record<string, number[]> {
  const names = Object.keys(operands);
  const { shape, strides } = broadcastLayout(out, Object.values(operands));
  const uniforms: Record<string, number[]> = { shape_hi: shape.slice(0, 4), shape_lo: shape.slice(4) };
  names.forEach((name, k) => {
    uniforms[`${name}_strides_hi`] = strides[k]!.slice(0, 4);
    uniforms[`${name}_strides_lo`] = strides[k]!.slice(4);
  });
  return uniforms;
}

const broadcastOp: OpDef<{ shape: readonly number[] }> = {
  name: 'broadcastTo',
  infer([x], { shape }) {
    checkShape(shape, 'broadcastTo');
    if (DTYPES[x!.dtype].perWord !== 1) {
      fail(`broadcastTo: ${x} is ${x!.dtype}, packed several to a word; cast it to f32 first`);
    }
    if (!sameShape(broadcastShapes(x!.shape, shape, 'broadcastTo'), shape)) {
      fail(`broadcastTo: ${x} does not broadcast to ${fmt(shape)}; every dimension must match or be 1`);
    }
    return { shape, dtype: x!.dtype };
  },
  lower(ctx, { inputs: [x] }, out) {
    ctx.dispatch({
      kernel,
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: { n: out.numel, ...broadcastUniforms(out.shape, { x: x!.shape }) },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { inputs: [x] }) {
    return [sumTo(g, x!.shape)];
  },
};

/** `x` repeated along its size-1 (and missing leading) dimensions up to `shape`; any 32-bit dtype. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return apply(broadcastOp, [x], { shape: [...shape] });
}
