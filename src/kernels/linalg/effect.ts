// The op behind every kernel of src/kernels/linalg: an effect (in-place update of state
// tensors, no value of its own) whose lowering emits any number of dispatches. Second-order
// optimizers keep their factors, inverses and curvature pairs in leaves and chain such effects;
// a compiled plan runs effects in the order they were recorded, after every value they read.
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import { runtime } from '../../graph/runtime.js';
import type { DType } from '../../tensor/dtype.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { apply, Tensor, type LowerCtx, type OpDef } from '../../tensor/tensor.js';
import type { Kernel } from '../../device/kernel.js';

export type Refs = Record<string, BufferRef>;
/** Emits the dispatches of an effect, given the buffers of its tensors by name. */
export type Emit = (ctx: LowerCtx, refs: Refs) => void;

interface Attrs {
  names: readonly string[];
  emit: Emit;
}

const ops = new Map<string, OpDef<Attrs>>();

/** One op definition per name, so dispatch labels and profiles say which effect ran. */
function opNamed(name: string): OpDef<Attrs> {
  let op = ops.get(name);
  if (!op) {
    op = {
      name,
      effect: true,
      infer: () => ({ shape: [1], dtype: 'f32' }),
      lower(ctx, { inputs, attrs }) {
        attrs.emit(ctx, Object.fromEntries(attrs.names.map((n, i) => [n, ctx.ref(inputs[i]!)])));
      },
    };
    ops.set(name, op);
  }
  return op;
}

/**
 * Records an effect over named tensors (runs it at once when eager). Values computed in the
 * same plan may be read; leaves may be updated in place.
 */
export function recordEffect(name: string, tensors: Record<string, Tensor>, emit: Emit): void {
  const effect = apply(opNamed(name), Object.values(tensors), { names: Object.keys(tensors), emit });
  // Eagerly the dispatches are queued already; while tracing the plan keeps the effect.
  if (!runtime().tracing) effect.dispose();
}

/** The buffers among `refs` that `kernel`'s entry point binds (entries of one file use subsets). */
export function bindFor(kernel: Kernel, refs: Refs): Refs {
  return Object.fromEntries(kernel.storage.map((b) => {
    const ref = refs[b.name];
    if (!ref) fail(`internal: kernel ${kernel.name} needs buffer '${b.name}'`);
    return [b.name, ref];
  }));
}

/** Checks a tensor's dtype and exact shape, naming both in the error. */
export function requireShape(what: string, name: string, t: Tensor, shape: readonly number[], dtype: DType = 'f32'): void {
  if (!(t instanceof Tensor)) fail(`${what}: ${name} must be a Tensor`);
  if (t.dtype !== dtype) fail(`${what}: ${name} ${t} is ${t.dtype}; it must be ${dtype}`);
  if (!sameShape(t.shape, shape)) fail(`${what}: ${name} has shape ${fmt(t.shape)}, expected ${fmt(shape)}`);
}

/** A state tensor must be a leaf: effects write into its storage, which values do not keep. */
export function requireLeaf(what: string, name: string, t: Tensor): void {
  if (t.kind !== 'leaf') fail(`${what}: ${name} ${t} is updated in place, so it must be a leaf (make it with zeros() or tensor())`);
}

/** [rows, cols] of a 2-D tensor, or a clear error. */
export function matrixDims(what: string, name: string, t: Tensor): [number, number] {
  if (t.rank !== 2) fail(`${what}: ${name} ${fmt(t.shape)} must be a 2-D matrix [rows, cols]`);
  if (t.dtype !== 'f32') fail(`${what}: ${name} ${t} is ${t.dtype}; it must be f32`);
  return [t.shape[0]!, t.shape[1]!];
}
