// Workgroup grids for one-thread-per-element kernels. Past 65535 workgroups in x the grid
// folds into y; kernels recover the flat index as gid.x + gid.y * num_workgroups.x * WG.
import { fail } from './errors.js';

export const ELEMENTWISE_WG = 256;

export function grid1d(n: number, wg = ELEMENTWISE_WG, maxPerDim = 65535): [number, number, number] {
  if (n < 1) fail(`grid1d: ${n} elements is a zero-size dispatch`);
  const groups = Math.ceil(n / wg);
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) fail(`grid1d: ${n} elements need ${groups} workgroups, over ${maxPerDim}² — split the tensor`);
  return [maxPerDim, y, 1];
}
