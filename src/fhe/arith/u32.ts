// The u32-only modular arithmetic of shaders/fhe/modarith.wgsl, line for line in TypeScript:
// WGSL has no 64-bit integers, so products are built from 16-bit halves. Primes must be
// < 2^31 so that sums of two residues and the Montgomery/Shoup intermediates fit in 32 bits.
// Tests check every function bit-exactly against BigInt; the CPU NTT (ntt-cpu.ts) uses them.
import { fail } from '../../device/errors.js';

/** Largest modulus the no-overflow arguments allow. */
export const MAX_MODULUS = 2 ** 31;

export function checkModulus(q: number, what = 'modulus'): void {
  if (!Number.isInteger(q) || q < 3 || q % 2 === 0 || q >= MAX_MODULUS) {
    fail(`${what} ${q} must be an odd integer in [3, 2^31): u32 Montgomery and Shoup products overflow beyond`);
  }
}

/** High 32 bits of the 64-bit product a·b, from four exact 16×16-bit products. */
export function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** Low 32 bits of a·b (WGSL's wrapping u32 multiply). */
export function mullo(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

export function addMod(a: number, b: number, q: number): number {
  const s = a + b;
  return s >= q ? s - q : s;
}

export function subMod(a: number, b: number, q: number): number {
  return a >= b ? a - b : a - b + q;
}

/** −q^{-1} mod 2^32 by Newton iteration (each step doubles the correct low bits). */
export function montgomeryNegInverse(q: number): number {
  checkModulus(q);
  let inv = q; // correct to 3 bits for odd q
  for (let i = 0; i < 5; i++) inv = mullo(inv, 2 - mullo(q, inv));
  return (0x100000000 - inv) >>> 0;
}

/** a·b·2^{-32} mod q for a, b < q (REDC), with qNegInv = −q^{-1} mod 2^32. */
export function montMul(a: number, b: number, q: number, qNegInv: number): number {
  const lo = mullo(a, b);
  const hi = mulhi(a, b);
  const m = mullo(lo, qNegInv);
  // lo + (m·q mod 2^32) is 0 or exactly 2^32: the carry is 1 unless lo = 0.
  const r = hi + mulhi(m, q) + (lo !== 0 ? 1 : 0);
  return r >= q ? r - q : r;
}

/** Shoup's companion of a constant w < q: floor(w·2^32 / q). */
export function shoupCompanion(w: number, q: number): number {
  return Number((BigInt(w) << 32n) / BigInt(q));
}

/** x·w mod q with w's Shoup companion wp; x may be any u32. */
export function shoupMul(x: number, w: number, wp: number, q: number): number {
  // The true value x·w − floor(x·wp/2^32)·q lies in [0, 2q) < 2^32, so wrapping ops recover it.
  const r = (mullo(x, w) - mullo(mulhi(x, wp), q)) >>> 0;
  return r >= q ? r - q : r;
}

/** 2^64 mod q, the factor that takes a Montgomery product back to the plain one. */
export function montgomeryR2(q: number): number {
  return Number((1n << 64n) % BigInt(q));
}

/** a·2^32 mod q: a constant in Montgomery form, so one REDC against it is a plain product. */
export function toMontgomery(a: number, q: number): number {
  return Number((BigInt(a) << 32n) % BigInt(q));
}
