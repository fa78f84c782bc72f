// Block-scaled FP8 GEMM as current FP8 training runs it (beyond Wang et al. 2018): operands
// quantised per block with a scale of their own, E4M3 for forward tensors and E5M2 for
// gradients, products summed in a narrow accumulator for 128 products at a time, and each
// such partial sum scaled and promoted into an f32 total. The exact CPU reference of
// shaders/precision/block-scaled-gemm.wgsl, written with float64 arithmetic (every step below is
// exact in float64, then rounded once to f32 where the GPU rounds).
//
// Our choices where practice varies:
// - Blocks: A (activations, output gradients) 1×128 along K; B 128×128 (weights) or 128×1
//   (the activations of the weight-gradient GEMM), K-blocks aligned with the promotion interval.
// - Scales are powers of two (as MX's E8M0 scales): 2^e with e the smallest integer that brings
//   the block's largest finite |x| within the format's max, clamped to [-126, 126]. Scaling is
//   then exact, so GPU and CPU agree bit for bit; it wastes up to one binade of headroom
//   against an f32 scale amax / max.
// - Accumulator: each add is an f32 add truncated to 14 significant bits, ACCUMULATOR below: our
//   model of an FP8 tensor core, which DeepSeek-V3 (arXiv 2412.19437, §3.3.2) measured to keep
//   about 14 bits on H800. Promotion: total = f32(total + f32(f32(s · 2^ea) · 2^eb)).
import { fail } from '../device/errors.js';
import { floatFormat, floorLog2, FP8_E4M3, FP8_E5M2, type FloatFormat } from './format.js';
import { roundToGrid } from './round.js';

/** Products per partial sum, and the K-extent of every block. */
export const PROMOTION_INTERVAL = 128;
/** The narrow accumulator of the partial sums: 14 significant bits, truncating. */
export const ACCUMULATOR = floatFormat(7, 13, { name: 'accumulator (1,7,13)' });
export const FORWARD_FORMAT = FP8_E4M3;
export const GRADIENT_FORMAT = FP8_E5M2;
/** Range of the power-of-two scale exponents (f32 normal powers of two). */
export const SCALE_EXPONENT_RANGE = [-126, 126] as const;

/** Block shape of an operand in its stored layout: rows × cols. */
export interface BlockShape {
  rows: number;
  cols: number;
}

/** Exponent e of a block's scale: the smallest with amax · 2^-e <= format.maxFinite (0 for an all-zero block). */
export function scaleExponent(amax: number, format: FloatFormat): number {
  if (!(amax > 0)) return 0;
  let e = floorLog2(amax) - floorLog2(format.maxFinite);
  if (amax * 2 ** -e > format.maxFinite) e++;
  return Math.min(Math.max(e, SCALE_EXPONENT_RANGE[0]), SCALE_EXPONENT_RANGE[1]);
}

/** Scale exponents of a row-major [rows, cols] matrix in blocks, row-major [ceil(rows/b.rows), ceil(cols/b.cols)]; NaN and ±∞ do not count toward amax. */
export function blockExponents(values: ArrayLike<number>, rows: number, cols: number, block: BlockShape, format: FloatFormat): Int32Array {
  if (values.length !== rows * cols) fail(`blockExponents: ${values.length} values, not ${rows}·${cols}`);
  const br = Math.ceil(rows / block.rows);
  const bc = Math.ceil(cols / block.cols);
  const amax = new Float64Array(br * bc);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(Math.fround(values[r * cols + c]!));
      const i = Math.floor(r / block.rows) * bc + Math.floor(c / block.cols);
      if (Number.isFinite(a) && a > amax[i]!) amax[i] = a;
    }
  }
  return Int32Array.from(amax, (a) => scaleExponent(a, format));
}

/** x scaled by 2^-e (exact in f32 for every result in f32's normal range) and rounded (RNE) onto the format. */
export function quantizeScaled(x: number, e: number, format: FloatFormat): number {
  return roundToGrid(Math.fround(Math.fround(x) * 2 ** -e), format, 'rne');
}

export interface BlockOperand {
  /** Row-major stored values: [M, K] for A and [K, N] for B, or the transpose when `transposed`. */
  values: ArrayLike<number>;
  format: FloatFormat;
  transposed: boolean;
}

export interface BlockGemmShape {
  M: number;
  N: number;
  K: number;
}

/** A's blocks in its stored layout: 1×128 along K. */
export function blockOfA(transposed: boolean): BlockShape {
  return transposed ? { rows: PROMOTION_INTERVAL, cols: 1 } : { rows: 1, cols: PROMOTION_INTERVAL };
}

/** B's blocks in its stored layout: 128 along K by 128 ('tile', weights) or 1 ('column') along N. */
export function blockOfB(transposed: boolean, tile: boolean): BlockShape {
  const alongN = tile ? PROMOTION_INTERVAL : 1;
  return transposed ? { rows: alongN, cols: PROMOTION_INTERVAL } : { rows: PROMOTION_INTERVAL, cols: alongN };
}

/** Quantised values (on the format's grid, before scaling) and the exponent of each element's block. */
function quantized(op: BlockOperand, rows: number, cols: number, block: BlockShape): { q: Float64Array; exponentAt: (r: number, c: number) => number } {
  const exps = blockExponents(op.values, rows, cols, block, op.format);
  const bc = Math.ceil(cols / block.cols);
  const exponentAt = (r: number, c: number) => exps[Math.floor(r / block.rows) * bc + Math.floor(c / block.cols)]!;
  const q = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) q[r * cols + c] = quantizeScaled(op.values[r * cols + c]!, exponentAt(r, c), op.format);
  return { q, exponentAt };
}

/** C [M, N] = op(A) · op(B), row-major f32. */
export function blockScaledGemm(shape: BlockGemmShape, a: BlockOperand, b: BlockOperand, tileB: boolean): Float32Array {
  const { M, N, K } = shape;
  if (a.values.length !== M * K) fail(`blockScaledGemm: A has ${a.values.length} values, not M·K = ${M * K}`);
  if (b.values.length !== K * N) fail(`blockScaledGemm: B has ${b.values.length} values, not K·N = ${K * N}`);
  const qa = quantized(a, a.transposed ? K : M, a.transposed ? M : K, blockOfA(a.transposed));
  const qb = quantized(b, b.transposed ? N : K, b.transposed ? K : N, blockOfB(b.transposed, tileB));
  const aAt = (m: number, k: number) => (a.transposed ? qa.q[k * M + m]! : qa.q[m * K + k]!);
  const bAt = (k: number, n: number) => (b.transposed ? qb.q[n * K + k]! : qb.q[k * N + n]!);
  const ea = (m: number, k: number) => (a.transposed ? qa.exponentAt(k, m) : qa.exponentAt(m, k));
  const eb = (k: number, n: number) => (b.transposed ? qb.exponentAt(n, k) : qb.exponentAt(k, n));
  const out = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let total = 0;
      for (let k0 = 0; k0 < K; k0 += PROMOTION_INTERVAL) {
        let s = 0;
        const end = Math.min(K, k0 + PROMOTION_INTERVAL);
        // FP8 × FP8 products have at most 8 significant bits: exact in f32.
        for (let k = k0; k < end; k++) s = roundToGrid(Math.fround(s + aAt(m, k) * bAt(k, n)), ACCUMULATOR, 'trunc');
        total = Math.fround(total + Math.fround(Math.fround(s * 2 ** ea(m, k0)) * 2 ** eb(k0, n)));
      }
      out[m * N + n] = total;
    }
  }
  return out;
}
