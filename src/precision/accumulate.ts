// Reference for chunk-based accumulation (Wang et al. 2018, spec §3) and the GEMM built on it:
//   for each chunk c of CL consecutive products: s_c = 0; s_c = round(s_c + p_i) per product
//   S = 0; S = round(S + s_c) per chunk, in order
// Every add is an f32 add (correctly rounded, as the GPU does it) followed by rounding onto the
// accumulation grid. For sums of two grid values this equals rounding the exact sum in RNE mode
// (spec §4); the SR probabilities may differ from the exact ones by < 2^-13.
import { fail } from '../device/errors.js';
import { FP16_169, type FloatFormat } from './format.js';
import { roundToGrid } from './round.js';

export interface Accumulation {
  /** Grid of every partial sum: FP16 (1,6,9) in the paper, binary16 as an ablation. */
  format: FloatFormat;
  /** Chunk length CL (64 in the paper); a chunk of K or more means no chunking. */
  chunk: number;
  /** Rounding of each add: 'rne' (the paper) or 'sr' (the swamping study's alternative). */
  mode: 'rne' | 'sr';
}

export const PAPER_ACCUMULATION: Accumulation = { format: FP16_169, chunk: 64, mode: 'rne' };

/**
 * 32-bit random word for stochastic add `add` of output `out`: adds 0..K-1 fold in product k,
 * adds K + c fold in chunk sum c. Required when mode is 'sr'.
 */
export type AddRandom = (add: number, out: number) => number;

export function checkAccumulation(acc: Accumulation, where: string): void {
  if (!Number.isInteger(acc.chunk) || acc.chunk < 1) fail(`${where}: chunk length ${acc.chunk} must be a positive integer (use K for no chunking)`);
  if (acc.mode !== 'rne' && acc.mode !== 'sr') fail(`${where}: accumulation mode '${String(acc.mode)}' must be 'rne' or 'sr'`);
}

/** Sum of `products` (already on the accumulation grid) with chunked, per-add rounding. */
export function chunkedSum(products: ArrayLike<number>, acc: Accumulation, random?: AddRandom, out = 0): number {
  checkAccumulation(acc, 'chunkedSum');
  if (acc.mode === 'sr' && !random) fail('chunkedSum: stochastic accumulation needs a random word per add');
  const K = products.length;
  const add = (s: number, p: number, index: number) =>
    roundToGrid(Math.fround(s + p), acc.format, acc.mode, acc.mode === 'sr' ? random!(index, out) : 0);
  let total = 0;
  for (let c = 0; c * acc.chunk < K; c++) {
    let s = 0;
    const end = Math.min(K, (c + 1) * acc.chunk);
    for (let k = c * acc.chunk; k < end; k++) s = add(s, products[k]!, k);
    total = add(total, s, K + c);
  }
  return total;
}

/** A product of two operand values, rounded (RNE) onto the accumulation grid; exact for FP8 × FP8 in FP16 (1,6,9). */
export function gridProduct(a: number, b: number, format: FloatFormat): number {
  return roundToGrid(Math.fround(a * b), format, 'rne');
}

/** Dot product of equal-length operand vectors with chunked accumulation. */
export function dotChunked(a: ArrayLike<number>, b: ArrayLike<number>, acc: Accumulation, random?: AddRandom): number {
  if (a.length !== b.length) fail(`dotChunked: vectors of length ${a.length} and ${b.length}`);
  const products = Float64Array.from({ length: a.length }, (_, k) => gridProduct(a[k]!, b[k]!, acc.format));
  return chunkedSum(products, acc, random);
}
