// Test polynomials: a lookup table f on the p-bit message space, written into the coefficients
// of TV so that a blind rotation by the message's phase lands f(m) in the constant coefficient.
// A message m sits at phase m·N/2^p (of 2N) ± half a box; TV is shifted by half a box so each
// box reads one value, and the half box below m = 0 wraps negacyclically, hence −f(0) there.
// Messages with the padding bit set would read −f(m − 2^p): inputs must keep it clear.
import { fail } from '../../device/errors.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { TfheParameters } from './params.js';

/** The default output encoding: v → round(Q · v / 2^(p+1)) mod Q, so the torus switch gives Δ·v. */
export function msbEncoding(p: TfheParameters): (v: number) => number {
  const Q = BigInt(p.ringPrime);
  const slots = 1n << BigInt(p.messageBits + 1);
  return (v) => {
    const x = ((Q * BigInt(v)) * 2n + slots) / (2n * slots); // round(Q·v/slots) for v ≥ 0
    return Number(((x % Q) + Q) % Q);
  };
}

/**
 * TV for the table f (f[m] for every message m in [0, 2^p)), each output encoded by `encode`
 * (a residue mod Q; default msbEncoding, i.e. the same p-bit space). A caller that wants the
 * output on another scale (e.g. a BGV plaintext) passes its own encoding.
 */
export function testPolynomial(p: TfheParameters, f: ArrayLike<number>, encode = msbEncoding(p)): Uint32Array {
  const count = 2 ** p.messageBits;
  if (f.length !== count) fail(`testPolynomial: the table has ${f.length} entries; a ${p.messageBits}-bit message space needs ${count}`);
  const N = p.ringDegree;
  const box = N / count;
  const half = box / 2;
  const Q = p.ringPrime;
  const values = Array.from(f, (v) => {
    const r = encode(v);
    if (!Number.isInteger(r) || r < 0 || r >= Q) fail(`testPolynomial: encoded output ${r} (of ${v}) is not a residue mod Q = ${Q}`);
    return r;
  });
  return Uint32Array.from({ length: N }, (_, j) => {
    const m = Math.floor((j + half) / box);
    return m < count ? values[m]! : (Q - values[0]!) % Q;
  });
}

/** Several test polynomials as one u32 tensor [T, N] for blindRotate / bootstrap. */
export function testPolynomials(p: TfheParameters, tables: readonly ArrayLike<number>[], encode?: (v: number) => number): Tensor {
  const words = new Uint32Array(tables.length * p.ringDegree);
  tables.forEach((f, t) => words.set(testPolynomial(p, f, encode), t * p.ringDegree));
  return tensor(words, [tables.length, p.ringDegree], 'u32', 'fhe/test-polynomials');
}

// Tables on p-bit two's complement integers (m ≥ 2^(p−1) is m − 2^p), results reduced mod 2^p.
const signedOf = (m: number, bits: number) => (m >= 2 ** (bits - 1) ? m - 2 ** bits : m);
const wrap = (v: number, bits: number) => ((v % 2 ** bits) + 2 ** bits) % 2 ** bits;
const table = (bits: number, f: (x: number) => number) => Array.from({ length: 2 ** bits }, (_, m) => wrap(f(signedOf(m, bits)), bits));

/** ReLU: max(x, 0). */
export const reluTable = (bits: number) => table(bits, (x) => Math.max(x, 0));
/** ReLU′ as the backward mask: 1 for x > 0, else 0. */
export const reluDerivativeTable = (bits: number) => table(bits, (x) => (x > 0 ? 1 : 0));
/** Re-quantisation by an arithmetic right shift: floor(x / 2^shift). */
export const shiftTable = (bits: number, shift: number) => table(bits, (x) => Math.floor(x / 2 ** shift));
/** Clamp to [lo, hi] (signed). */
export const clampTable = (bits: number, lo: number, hi: number) => table(bits, (x) => Math.min(hi, Math.max(lo, x)));
