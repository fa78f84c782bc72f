// An independent oracle for rounding onto small grids: list every finite value of the format
// (from its codes), then find the neighbours of x by binary search. Used to check the
// arithmetic reference in src/precision/round.ts, which in turn checks the WGSL.
import { decodeCode } from '../../src/precision/codec.js';
import type { FloatFormat } from '../../src/precision/format.js';

export interface GridOracle {
  /** Non-negative finite values in increasing order, with their codes. */
  values: Float64Array;
  codes: Uint32Array;
  round(x: number, mode: 'rne' | 'trunc'): number;
}

export function gridOracle(format: FloatFormat): GridOracle {
  const pairs: [number, number][] = [];
  for (let c = 0; c < 2 ** (format.bits - 1); c++) {
    const v = decodeCode(c, format);
    if (Number.isFinite(v)) pairs.push([v, c]);
  }
  pairs.sort((p, q) => p[0] - q[0]);
  const values = Float64Array.from(pairs, (p) => p[0]);
  const codes = Uint32Array.from(pairs, (p) => p[1]);
  const round = (x: number, mode: 'rne' | 'trunc') => {
    const v = Math.fround(x);
    if (Number.isNaN(v)) return NaN;
    const a = Math.abs(v);
    // Largest index with values[i] <= a.
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (values[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    let r = values[lo]!;
    if (mode === 'rne' && lo + 1 < values.length && r !== a) {
      const up = values[lo + 1]!;
      const dLo = a - r;
      const dUp = up - a;
      if (dUp < dLo || (dUp === dLo && codes[lo]! % 2 === 1)) r = up;
    }
    return v < 0 || Object.is(v, -0) ? -r : r;
  };
  return { values, codes, round };
}
