// Coefficient encoding (Glyph part 2): the message is the plaintext polynomial's coefficients
// mod t, so a negacyclic product is a convolution and a dot product can land in a single
// coefficient. Layouts: a vector x at coefficients 0..k−1; a matrix's row r reversed at
// r·(2k − 1) + (k − 1 − i), so that in X(X)·W(X) the coefficient r·(2k − 1) + k − 1 is
// Σ_i W[r][i]·x[i] and every cross term lands elsewhere (rows are 2k − 1 apart).
import { fail } from '../../device/errors.js';
import { mod, modInverse } from '../arith/bigint.js';
import { Plaintext, type Ciphertext } from './ciphertext.js';
import type { BgvContext } from './context.js';
import { decryptRaw } from './encrypt.js';
import type { SecretKey } from './keys.js';

function checkCoefficients(ctx: BgvContext, what: string): void {
  if (ctx.encoding !== 'coefficients') fail(`${what}: the context uses ${ctx.encoding} encoding; make it with encoding: 'coefficients'`);
}

/** One plaintext per row of integer coefficients (any sign, reduced mod t; missing ones are 0). */
export function encodeCoefficients(ctx: BgvContext, rows: readonly ArrayLike<number>[]): Plaintext {
  checkCoefficients(ctx, 'encodeCoefficients');
  const { n } = ctx;
  const t = ctx.params.plainModulus;
  const out = new Uint32Array(rows.length * n);
  rows.forEach((row, b) => {
    if (row.length > n) fail(`encodeCoefficients: row ${b} has ${row.length} coefficients for N = ${n}`);
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      if (!Number.isSafeInteger(v)) fail(`encodeCoefficients: row ${b} coefficient ${i} = ${v} is not an integer`);
      out[b * n + i] = ((v % t) + t) % t;
    }
  });
  return new Plaintext(out, rows.length);
}

/** Spacing of matrix rows in the reversed-row layout: 2k − 1 for rows of k entries. */
export const rowSpacing = (k: number) => 2 * k - 1;

/** The matrix W (rows of k) in reversed-row layout, as coefficients (N of them). */
export function matrixCoefficients(n: number, matrix: readonly ArrayLike<number>[]): Int32Array {
  const k = matrix[0]?.length ?? 0;
  if (matrix.some((r) => r.length !== k) || k === 0) fail('matrixCoefficients: rows must be non-empty and of one length');
  if (matrix.length * rowSpacing(k) > n) fail(`matrixCoefficients: ${matrix.length} rows of ${k} need ${matrix.length * rowSpacing(k)} coefficients; N = ${n}`);
  const out = new Int32Array(n);
  matrix.forEach((row, r) => {
    for (let i = 0; i < k; i++) out[r * rowSpacing(k) + k - 1 - i] = row[i]!;
  });
  return out;
}

/** Where row r's dot product with a k-vector lands in X(X)·W(X). */
export const dotCoefficient = (r: number, k: number) => r * rowSpacing(k) + k - 1;

/** Decrypts to centred coefficients mod t, undoing the modulus-switching factor; rows [B][N]. */
export async function decryptCoefficients(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<Int32Array[]> {
  checkCoefficients(ctx, 'decryptCoefficients');
  const t = ctx.t;
  const unscale = modInverse(ct.factor, t);
  return (await decryptRaw(ctx, sk, ct)).map((row) =>
    Int32Array.from(row, (v) => {
      const m = mod(v * unscale, t);
      return Number(m >= t / 2n ? m - t : m);
    }),
  );
}
