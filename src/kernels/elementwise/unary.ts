// Unary elementwise ops (some with a scalar): shaders/elementwise/unary.wgsl.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/elementwise/unary.wgsl';
import type { OpDef } from '../../graph/op.js';
import { apply, type Tensor } from '../../tensor/tensor.js';
import { ELEMENTWISE_WG, grid1d } from '../grid.js';
import { Kernel } from '../kernel.js';
import { mul, reluGrad } from './binary.js';
import { requireDtype } from './checks.js';

const kernel = new Kernel({ name: 'elementwise/unary', source: [nan, source] });

type UnaryKind =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'tanh' | 'sigmoid' | 'square' | 'reciprocal'
  | 'addScalar' | 'mulScalar' | 'powScalar' | 'sign' | 'greaterScalar' | 'rsubScalar';

const CODES: Record<UnaryKind, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, relu: 5, tanh: 6, sigmoid: 7, square: 8, reciprocal: 9,
  addScalar: 10, mulScalar: 11, powScalar: 12, sign: 13, greaterScalar: 14, rsubScalar: 15,
};

interface Attrs {
  kind: UnaryKind;
  s: number;
}

/** d out / d x as tensors, from the input x and output y. */
function derivative(kind: UnaryKind, g: Tensor, x: Tensor, y: Tensor, s: number): Tensor | null {
  switch (kind) {
    case 'neg': return neg(g);
    case 'exp': return mul(g, y);
    case 'log': return mul(g, reciprocal(x));
    case 'sqrt': return mul(g, mulScalar(reciprocal(y), 0.5));
    case 'abs': return mul(g, sign(x));
    case 'relu': return reluGrad(x, g);
    case 'tanh': return mul(g, rsubScalar(square(y), 1));
    case 'sigmoid': return mul(g, mul(y, rsubScalar(y, 1)));
    case 'square': return mul(g, mulScalar(x, 2));
    case 'reciprocal': return neg(mul(g, square(y)));
    case 'addScalar': return g;
    case 'mulScalar': return mulScalar(g, s);
    case 'powScalar': return mul(g, mulScalar(powScalar(x, s - 1), s));
    case 'rsubScalar': return neg(g);
    default: return null; // sign and comparisons are piecewise constant
  }
}

const unaryOp: OpDef<Attrs> = {
  name: 'unary',
  infer([x], { kind }) {
    requireDtype(kind, x!, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }, out) {
    ctx.dispatch({
      kernel,
      constants: { OP: CODES[attrs.kind] },
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: { n: out.numel, s: attrs.s },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { inputs: [x], attrs }, out) {
    return [derivative(attrs.kind, g, x!, out, attrs.s)];
  },
};

function unary(kind: UnaryKind) {
  return (x: Tensor) => apply(unaryOp, [x], { kind, s: 0 });
}
function withScalar(kind: UnaryKind) {
  return (x: Tensor, s: number) => apply(unaryOp, [x], { kind, s });
}

export const neg = unary('neg');
export const exp = unary('exp');
export const log = unary('log');
export const sqrt = unary('sqrt');
export const abs = unary('abs');
export const relu = unary('relu');
export const tanh = unary('tanh');
export const sigmoid = unary('sigmoid');
export const square = unary('square');
export const reciprocal = unary('reciprocal');
export const sign = unary('sign');
export const addScalar = withScalar('addScalar');
export const mulScalar = withScalar('mulScalar');
export const powScalar = withScalar('powScalar');
/** 1 where x > s, else 0 (no gradient). */
export const greaterScalar = withScalar('greaterScalar');
/** s - x. */
export const rsubScalar = withScalar('rsubScalar');
