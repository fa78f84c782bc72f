// Shape arithmetic and the checks that turn bad shapes into readable errors.
import { fail } from '../device/errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Rejects negative, fractional and zero dimensions; zero-size tensors are not supported. */
export function checkShape(shape: Shape, what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) fail(`${what}: shape ${fmt(shape)} has an invalid dimension ${d}`);
    if (d === 0) fail(`${what}: shape ${fmt(shape)} is zero-size; gradwgsl tensors need at least one element`);
  }
}

/** NumPy broadcasting of two shapes, or an error naming both. */
export function broadcastShapes(a: Shape, b: Shape, what: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(`${what}: shapes ${fmt(a)} and ${fmt(b)} do not broadcast (dim ${i}: ${x} vs ${y})`);
    out[i] = Math.max(x, y);
  }
  return out;
}

/** Normalises a possibly negative axis. */
export function axisOf(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}
