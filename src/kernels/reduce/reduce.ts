// Reductions over one axis (sum, mean, max, min), their gradients, and sumTo for broadcast
// gradients: shaders/reduce/reduce.wgsl. The gradients are kernels of that file too (the
// reduction spread back along its axis), so this module needs no elementwise op.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/reduce/reduce.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import type { BufferRef } from '../../device/dispatch.js';
import { fail } from '../../device/errors.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { axisOf, fmt, numel } from '../../tensor/shape.js';
import { apply, type OpDef, type Tensor } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { reshape } from '../shape/reshape.js';

/** What the kernel computes; a mean is a sum scaled by 1/len. */
export const REDUCE_OPS = new CodeTable('OP', ['sum', 'max', 'min'] as const);

const sources = REDUCE_OPS.withSource('reduce/axis', POISON_WGSL, nan, source);
const kernel = new Kernel({ name: 'reduce/axis', source: sources, entry: 'main' });
const expandKernel = new Kernel({ name: 'reduce/expand', source: sources, entry: 'expand' });
const expandExtremeKernel = new Kernel({ name: 'reduce/expand-extreme', source: sources, entry: 'expand_extreme' });

/** Long axes with few outputs reduce in two passes of about √len each. */
const TWO_PASS_FROM = 2048;
const TWO_PASS_BELOW = 1024;

/** Whether a reduction of `len` values into each of `outputs` results runs as a single pass. */
export function reducesInOnePass(len: number, outputs: number): boolean {
  return outputs >= TWO_PASS_BELOW || len < TWO_PASS_FROM;
}

type ReduceKind = 'sum' | 'mean' | 'max' | 'min';
const KERNEL_OP = { sum: 'sum', mean: 'sum', max: 'max', min: 'min' } as const satisfies Record<ReduceKind, (typeof REDUCE_OPS.names)[number]>;

interface Attrs {
  kind: ReduceKind;
  axis: number;
  keepdim: boolean;
}

function outShape(shape: readonly number[], axis: number, keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

const reduceOp: OpDef<Attrs> = {
  name: 'reduce',
  infer([x], { kind, axis, keepdim }) {
    requireDtype(kind, x!, 'f32');
    const shape = outShape(x!.shape, axis, keepdim);
    return { shape: shape.length ? shape : [1], dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }) {
    const s = x!.shape;
    const len = s[attrs.axis]!;
    const outer = numel(s.slice(0, attrs.axis));
    const inner = numel(s.slice(attrs.axis + 1));
    const scale = attrs.kind === 'mean' ? 1 / len : 1;
    const pass = (from: BufferRef, to: BufferRef, n: number, chunk: number, k: number) =>
      ctx.dispatch({
        kernel,
        constants: { OP: REDUCE_OPS.code[KERNEL_OP[attrs.kind]] },
        bind: { x: from, out: to },
        uniforms: { outer, len: n, inner, chunk, scale: k },
        workgroups: grid1d(outer * Math.ceil(n / chunk) * inner, ELEMENTWISE_WG),
      });
    if (reducesInOnePass(len, outer * inner)) {
      pass(ctx.ref(x!), ctx.out, len, len, scale);
      return;
    }
    const parts = Math.ceil(Math.sqrt(len));
    const partials = ctx.scratch(outer * parts * inner * 4);
    pass(ctx.ref(x!), partials, len, Math.ceil(len / parts), 1);
    pass(partials, ctx.out, Math.ceil(len / Math.ceil(len / parts)), parts, scale);
  },
  backward(g, { inputs: [x], attrs }, out) {
    const extreme = attrs.kind === 'max' || attrs.kind === 'min';
    return [apply(reduceGradOp, extreme ? [g, x!, out] : [g], { ...attrs, shape: x!.shape })];
  },
};

/**
 * The gradient of a reduction of an input shaped `shape`: from [g] for sum and mean, from
 * [g, x, extreme] for max and min (the gradient goes to every element equal to the extreme;
 * ties each get it in full).
 */
const reduceGradOp: OpDef<Attrs & { shape: readonly number[] }> = {
  name: 'reduceGrad',
  infer(_, { shape }) {
    return { shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [g, x, extreme], attrs }, out) {
    const s = attrs.shape;
    const len = s[attrs.axis]!;
    const uniforms = {
      outer: numel(s.slice(0, attrs.axis)),
      len,
      inner: numel(s.slice(attrs.axis + 1)),
      chunk: len,
      scale: attrs.kind === 'mean' ? 1 / len : 1,
    };
    const workgroups = grid1d(out.numel, ELEMENTWISE_WG);
    if (x && extreme) {
      ctx.dispatch({
        kernel: expandExtremeKernel,
        bind: { g: ctx.ref(g!), x: ctx.ref(x), extreme: ctx.ref(extreme), dx: ctx.out },
        uniforms,
        workgroups,
      });
    } else {
      ctx.dispatch({ kernel: expandKernel, bind: { g: ctx.ref(g!), dx: ctx.out }, uniforms, workgroups });
    }
  },
};

function reducer(kind: ReduceKind) {
  return (x: Tensor, axis: number, keepdim = false) =>
    apply(reduceOp, [x], { kind, axis: axisOf(axis, x.rank, kind), keepdim });
}

export const sum = reducer('sum');
export const mean = reducer('mean');
export const max = reducer('max');
export const min = reducer('min');

/** Sum of every element, as a one-element tensor. */
export function sumAll(x: Tensor): Tensor {
  return sum(reshape(x, [x.numel]), 0);
}

export function meanAll(x: Tensor): Tensor {
  return mean(reshape(x, [x.numel]), 0);
}

/** Sums `g` down to `shape` (the inverse of broadcasting), for gradients of broadcast inputs. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  if (shape.length > g.shape.length) fail(`sumTo: cannot reduce ${fmt(g.shape)} to the larger rank ${fmt(shape)}`);
  let r = g;
  const lead = g.shape.length - shape.length;
  for (let i = 0; i < g.shape.length; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (target === 1 && g.shape[i] !== 1) r = sum(r, i, true);
    else if (target !== g.shape[i]) fail(`sumTo: ${fmt(g.shape)} does not broadcast to ${fmt(shape)}`);
  }
  return reshape(r, shape);
}
