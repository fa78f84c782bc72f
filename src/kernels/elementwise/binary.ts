// Binary elementwise ops with NumPy broadcasting: shaders/elementwise/binary.wgsl.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/elementwise/binary.wgsl';
import { fail } from '../../device/errors.js';
import type { OpDef } from '../../graph/op.js';
import { apply, type Tensor } from '../../tensor/tensor.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { ELEMENTWISE_WG, grid1d } from '../grid.js';
import { Kernel } from '../kernel.js';
import { sumTo } from '../reduce/reduce.js';
import { requireDtype } from './checks.js';
import { addScalar, log, neg, rsubScalar } from './unary.js';

const kernel = new Kernel({ name: 'elementwise/binary', source: [nan, source] });

type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'reluGrad' | 'greater' | 'equal';
const CODES: Record<BinaryKind, number> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6, reluGrad: 7, greater: 8, equal: 9,
};

export const MAX_BROADCAST_DIMS = 8;

/**
 * Collapses the broadcast to at most 8 dims: adjacent dims merge when every operand is
 * contiguous across them. Returns the out shape and per-operand strides (0 = broadcast).
 */
export function broadcastLayout(out: readonly number[], operands: readonly (readonly number[])[]): {
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

const binaryOp: OpDef<{ kind: BinaryKind }> = {
  name: 'binary',
  infer([a, b], { kind }) {
    requireDtype(kind, a!, 'f32');
    requireDtype(kind, b!, 'f32');
    return { shape: broadcastShapes(a!.shape, b!.shape, kind), dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b], attrs }, out) {
    const { shape, strides } = broadcastLayout(out.shape, [a!.shape, b!.shape]);
    ctx.dispatch({
      kernel,
      constants: { OP: CODES[attrs.kind] },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), out: ctx.out },
      uniforms: {
        n: out.numel,
        shape_hi: shape.slice(0, 4),
        shape_lo: shape.slice(4),
        a_strides_hi: strides[0]!.slice(0, 4),
        a_strides_lo: strides[0]!.slice(4),
        b_strides_hi: strides[1]!.slice(0, 4),
        b_strides_lo: strides[1]!.slice(4),
      },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { inputs: [a, b], attrs }, out) {
    const ga = (x: Tensor) => sumTo(x, a!.shape);
    const gb = (x: Tensor) => sumTo(x, b!.shape);
    switch (attrs.kind) {
      case 'add':
        return [ga(g), gb(g)];
      case 'sub':
        return [ga(g), gb(neg(g))];
      case 'mul':
        return [ga(mul(g, b!)), gb(mul(g, a!))];
      case 'div':
        return [ga(div(g, b!)), gb(neg(div(mul(g, out), b!)))];
      case 'maximum':
      case 'minimum': {
        // Ties send the gradient to `a`.
        const bWins = attrs.kind === 'maximum' ? greater(b!, a!) : greater(a!, b!);
        return [ga(mul(g, rsubScalar(bWins, 1))), gb(mul(g, bWins))];
      }
      case 'pow':
        return [ga(mul(g, mul(b!, pow(a!, addScalar(b!, -1))))), gb(mul(g, mul(out, log(a!))))];
      default:
        return [null, null];
    }
  },
};

function binary(kind: BinaryKind) {
  return (a: Tensor, b: Tensor) => apply(binaryOp, [a, b], { kind });
}

export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');
export const maximum = binary('maximum');
export const minimum = binary('minimum');
export const pow = binary('pow');
/** g where x > 0, else 0: the ReLU gradient. */
export const reluGrad = binary('reluGrad');
/** 1 where a > b, else 0 (no gradient). */
export const greater = binary('greater');
/** 1 where a == b, else 0 (no gradient). */
export const equal = binary('equal');
