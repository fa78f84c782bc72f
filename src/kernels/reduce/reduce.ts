// Reductions over one axis (sum, mean, max, min) and sumTo for broadcast gradients:
// shaders/reduce/reduce.wgsl.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/reduce/reduce.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../graph/dispatch.js';
import type { OpDef } from '../../graph/op.js';
import { apply, type Tensor } from '../../tensor/tensor.js';
import { axisOf, fmt, numel } from '../../tensor/shape.js';
import { equal, mul } from '../elementwise/binary.js';
import { requireDtype } from '../elementwise/checks.js';
import { mulScalar } from '../elementwise/unary.js';
import { ELEMENTWISE_WG, grid1d } from '../grid.js';
import { Kernel } from '../kernel.js';
import { broadcastTo } from '../shape/broadcast.js';
import { reshape } from '../shape/reshape.js';

const kernel = new Kernel({ name: 'reduce/axis', source: [nan, source] });

/** Long axes with few outputs reduce in two passes of about √len each. */
const TWO_PASS_FROM = 2048;
const TWO_PASS_BELOW = 1024;

/** Whether a reduction of `len` values into each of `outputs` results runs as a single pass. */
export function reducesInOnePass(len: number, outputs: number): boolean {
  return outputs >= TWO_PASS_BELOW || len < TWO_PASS_FROM;
}

type ReduceKind = 'sum' | 'mean' | 'max' | 'min';
const CODES = { sum: 0, mean: 0, max: 1, min: 2 } as const;

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
        constants: { OP: CODES[attrs.kind] },
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
    const kept = outShape(x!.shape, attrs.axis, true);
    const gk = reshape(g, kept);
    switch (attrs.kind) {
      case 'sum':
        return [broadcastTo(gk, x!.shape)];
      case 'mean':
        return [broadcastTo(mulScalar(gk, 1 / x!.shape[attrs.axis]!), x!.shape)];
      default: {
        // The gradient goes to every element equal to the extreme (ties share it in full).
        const mask = equal(x!, reshape(out, kept));
        return [mul(mask, broadcastTo(gk, x!.shape))];
      }
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
