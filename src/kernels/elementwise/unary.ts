// Unary elementwise ops (some with a scalar) and their gradients: shaders/elementwise/unary.wgsl.
// The backward pass is one fused dispatch per op (g · op'(x)), so this module needs no other op.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/elementwise/unary.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { requireDtype } from './checks.js';

export const UNARY_OPS = new CodeTable('OP', [
  'neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'tanh', 'sigmoid', 'square', 'reciprocal',
  'addScalar', 'mulScalar', 'powScalar', 'sign', 'greaterScalar', 'rsubScalar',
] as const);

type UnaryKind = (typeof UNARY_OPS.names)[number];

const sources = UNARY_OPS.withSource('elementwise/unary', POISON_WGSL, nan, source);
const forward = new Kernel({ name: 'elementwise/unary', source: sources, entry: 'main' });
const backward = new Kernel({ name: 'elementwise/unary-grad', source: sources, entry: 'grad' });

/** Piecewise constant: no gradient flows through them. */
const FLAT: ReadonlySet<UnaryKind> = new Set(['sign', 'greaterScalar']);

interface Attrs {
  kind: UnaryKind;
  s: number;
}

const unaryOp: OpDef<Attrs> = {
  name: 'unary',
  infer([x], { kind }) {
    requireDtype(kind, x!, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }, out) {
    ctx.dispatch({
      kernel: forward,
      constants: { OP: UNARY_OPS.code[attrs.kind] },
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: { n: out.numel, s: attrs.s },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { inputs: [x], attrs }, out) {
    return [FLAT.has(attrs.kind) ? null : apply(unaryGradOp, [g, x!, out], attrs)];
  },
};

/** dx = g · op'(x), from g, the input x and the forward output y. */
const unaryGradOp: OpDef<Attrs> = {
  name: 'unaryGrad',
  infer([g, x, y], { kind }) {
    for (const t of [g!, x!, y!]) requireDtype(`${kind} gradient`, t, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [g, x, y], attrs }, out) {
    ctx.dispatch({
      kernel: backward,
      constants: { OP: UNARY_OPS.code[attrs.kind] },
      bind: { x: ctx.ref(x!), g: ctx.ref(g!), y: ctx.ref(y!), out: ctx.out },
      uniforms: { n: out.numel, s: attrs.s },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
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
