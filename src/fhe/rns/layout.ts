// Shape rules shared by the RNS ops: a polynomial tensor is u32 [..., k, N], row r reduced
// modulo prime base + r % k of the context.
import { fail } from '../../device/errors.js';
import { grid1d } from '../../device/grid.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';

export interface PolyLayout {
  /** Rows of N residues. */
  rows: number;
  /** Limbs per polynomial (the second-to-last dimension). */
  k: number;
}

export function polyLayout(x: Tensor, ring: RnsContext, base: number, what: string): PolyLayout {
  if (x.dtype !== 'u32') fail(`${what}: ${x} must be u32 residues (create it with tensor(Uint32Array, shape, 'u32'))`);
  if (x.rank < 2 || x.shape[x.rank - 1] !== ring.n) {
    fail(`${what}: ${x} must have shape [..., k, N] with N = ${ring.n}, got ${fmt(x.shape)}`);
  }
  const k = x.shape[x.rank - 2]!;
  ring.checkRange(base, k, `${what} on ${fmt(x.shape)}`);
  return { rows: x.numel / ring.n, k };
}

/** Workgroups for one group per (x, row): rows fold into y and z past 65535. */
export function rowGrid(groupsPerRow: number, rows: number): [number, number, number] {
  const y = Math.min(rows, 65535);
  return [groupsPerRow, y, Math.ceil(rows / y)];
}

/** One thread per element of a rows × N tensor. */
export function elementGrid(rows: number, n: number): [number, number, number] {
  return grid1d(rows * n);
}
