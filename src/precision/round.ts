// The exact reference for rounding an f32 onto a (1,E,M) grid, written with float64 arithmetic
// (every step below is exact in float64), independently of the integer-bit implementation in
// shaders/precision/grid.wgsl that it checks.
import { CodeTable } from '../device/codes.js';
import { fail } from '../device/errors.js';
import { floorLog2, type FloatFormat } from './format.js';

/**
 * The rounding modes, and their codes in WGSL (ROUND_RNE ..., the `MODE` overrides and the `mode`
 * argument of grid_round): kernels put `ROUNDING.withSource(...)` before grid.wgsl.
 */
export const ROUNDING = new CodeTable('ROUND', ['rne', 'trunc', 'sr'] as const);
export type RoundingMode = (typeof ROUNDING.names)[number];

/** Random bits a stochastic rounding into `format` uses from its 32-bit random word: 23 - M. */
export function srBits(format: FloatFormat): number {
  return 23 - format.manBits;
}

/**
 * Rounds x (first rounded to f32, as the GPU holds it) onto the grid of `format`.
 * - rne: to nearest, ties to even; trunc: toward zero.
 * - sr: stochastic. With sh = 23 - M, the magnitude in units of (grid spacing / 2^sh) is
 *   truncated to an integer T (exact for every f32 in the normal range of the format; below it
 *   the extra bits are dropped), the low sh bits of `random` are added, and the sum is
 *   truncated to the grid. So x rounds up with probability (dropped fraction, in sh bits).
 * Overflow (and ±Infinity) saturates to ±maxFinite; NaN gives NaN; the sign of zero is kept.
 */
export function roundToGrid(x: number, format: FloatFormat, mode: RoundingMode, random = 0): number {
  const v = Math.fround(x);
  if (Number.isNaN(v)) return NaN;
  const negative = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let r: number;
  if (a === Infinity) {
    r = format.maxFinite;
  } else {
    const e = a >= format.minNormal ? floorLog2(a) : format.emin;
    const spacing = 2 ** (e - format.manBits);
    const t = a / spacing; // exact: a divided by a power of two
    let q = Math.floor(t);
    if (mode === 'rne') {
      const frac = t - q;
      if (frac > 0.5 || (frac === 0.5 && q % 2 === 1)) q++;
    } else if (mode === 'sr') {
      const sh = srBits(format);
      const scale = 2 ** sh;
      const dropped = Math.floor((t - q) * scale);
      if (dropped + (random >>> 0) % scale >= scale) q++;
    } else if (mode !== 'trunc') {
      fail(`roundToGrid: unknown rounding mode '${String(mode)}'; use 'rne', 'trunc' or 'sr'`);
    }
    r = Math.min(q * spacing, format.maxFinite);
  }
  return negative ? -r : r;
}

/** Whether x is a value of the format (finite, on the grid, within range) or NaN. */
export function onGrid(x: number, format: FloatFormat): boolean {
  return Number.isNaN(x) || (Math.fround(x) === x && roundToGrid(x, format, 'trunc') === x);
}
