// Exact integer number theory in BigInt: the reference every u32 kernel is checked against,
// and the source of every precomputed table (twiddles, inverses, Shoup companions).
import { fail } from '../../device/errors.js';

/** x mod m in [0, m), for negative x too. */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** a^{-1} mod m by the extended Euclidean algorithm; fails when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) fail(`modInverse: ${a} has no inverse modulo ${m} (gcd ${r0})`);
  return mod(s0, m);
}

/** Deterministic Miller–Rabin for n < 3.3e24 (these bases suffice; our moduli are < 2^32). */
export function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  const small = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  for (const p of small) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  outer: for (const a of small) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

/**
 * The smallest primitive 2N-th root of unity ψ mod q (ψ^N ≡ −1), which the negacyclic NTT
 * needs; it exists exactly when q ≡ 1 (mod 2N). Deterministic, so tables are reproducible.
 */
export function primitiveRoot2N(q: bigint, n: number): bigint {
  const twoN = 2n * BigInt(n);
  if ((q - 1n) % twoN !== 0n) fail(`prime ${q} is not ≡ 1 (mod 2N = ${twoN}): it has no negacyclic NTT for N = ${n}`);
  const cofactor = (q - 1n) / twoN;
  for (let g = 2n; g < q; g++) {
    const psi = modPow(g, cofactor, q);
    if (modPow(psi, BigInt(n), q) === q - 1n) return psi;
  }
  return fail(`no primitive 2N-th root of unity modulo ${q}`);
}

/** Reverses the low `bits` bits of i. */
export function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
  return r >>> 0;
}

/** Chinese remaindering: the unique x in [0, Q) with x ≡ residues[i] (mod moduli[i]). */
export function crtBasis(moduli: readonly bigint[]): { Q: bigint; weights: bigint[] } {
  const Q = moduli.reduce((p, q) => p * q, 1n);
  // x = Σ r_i · (Q/q_i) · [(Q/q_i)^{-1}]_{q_i}  (mod Q)
  const weights = moduli.map((q) => (Q / q) * modInverse((Q / q) % q, q));
  return { Q, weights };
}

/** Centered representative of x mod m in (−m/2, m/2]. */
export function centered(x: bigint, m: bigint): bigint {
  const r = mod(x, m);
  return r > m / 2n ? r - m : r;
}

/** log2 of a positive BigInt, accurate to ~1e-12 for any size. */
export function log2Big(x: bigint): number {
  if (x <= 0n) return -Infinity;
  const bits = x.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(x >> BigInt(shift))) + shift;
}
