// Binary elementwise ops with NumPy broadcasting: shaders/elementwise/binary.wgsl.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/elementwise/binary.wgsl';
import indexSource from '../../../shaders/shape/broadcast-index.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { sumTo } from '../reduce/reduce.js';
import { broadcastUniforms } from '../shape/broadcast.js';
import { requireDtype } from './checks.js';
import { addScalar, log, neg, rsubScalar } from './unary.js';

export const BINARY_OPS = new CodeTable('OP', [
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'reluGrad', 'greater', 'equal',
] as const);

type BinaryKind = (typeof BINARY_OPS.names)[number];

const kernel = new Kernel({ name: 'elementwise/binary', source: BINARY_OPS.withSource('elementwise/binary', POISON_WGSL, nan, indexSource, source) });

const binaryOp: OpDef<{ kind: BinaryKind }> = {
  name: 'binary',
  infer([a, b], { kind }) {
    requireDtype(kind, a!, 'f32');
    requireDtype(kind, b!, 'f32');
    return { shape: broadcastShapes(a!.shape, b!.shape, kind), dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b], attrs }, out) {
    ctx.dispatch({
      kernel,
      constants: { OP: BINARY_OPS.code[attrs.kind] },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), out: ctx.out },
      uniforms: { n: out.numel, ...broadcastUniforms(out.shape, { a: a!.shape, b: b!.shape }) },
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
