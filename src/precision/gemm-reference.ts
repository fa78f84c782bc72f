// CPU reference of the low-precision GEMM C = op(A) op(B) (shaders/gemm/fp8-chunked.wgsl):
// operands rounded (RNE) onto their grids, products rounded onto the accumulation grid (exact
// for FP8 × FP8 into FP16 (1,6,9)), each output a chunked sum in increasing k.
import { fail } from '../device/errors.js';
import { chunkedSum, gridProduct, type Accumulation, type AddRandom } from './accumulate.js';
import type { FloatFormat } from './format.js';
import { roundToGrid } from './round.js';

export interface GemmOperand {
  /** Row-major values: [rows, K] for A and [K, cols] for B, or the transpose when `transposed`. */
  values: ArrayLike<number>;
  /** Grid the values are rounded onto before use (FP8, or the accumulation format). */
  format: FloatFormat;
  transposed: boolean;
}

export interface GemmShape {
  M: number;
  N: number;
  K: number;
}

/** C [M, N] row-major. */
export function chunkedGemm(shape: GemmShape, a: GemmOperand, b: GemmOperand, acc: Accumulation, random?: AddRandom): Float32Array {
  const { M, N, K } = shape;
  if (a.values.length !== M * K) fail(`chunkedGemm: A has ${a.values.length} values, not M*K = ${M * K}`);
  if (b.values.length !== K * N) fail(`chunkedGemm: B has ${b.values.length} values, not K*N = ${K * N}`);
  const av = Float64Array.from(a.values, (x) => roundToGrid(x, a.format, 'rne'));
  const bv = Float64Array.from(b.values, (x) => roundToGrid(x, b.format, 'rne'));
  const aAt = (m: number, k: number) => av[a.transposed ? k * M + m : m * K + k]!;
  const bAt = (k: number, n: number) => bv[b.transposed ? n * K + k : k * N + n]!;
  const out = new Float32Array(M * N);
  const products = new Float64Array(K);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) products[k] = gridProduct(aAt(m, k), bAt(k, n), acc.format);
      out[m * N + n] = chunkedSum(products, acc, random, m * N + n);
    }
  }
  return out;
}
