// BGV parameter sets and their validation against the homomorphic-encryption standard's
// security table (classical attacks, ternary secret, error σ ≈ 3.2): for each ring degree N,
// the largest log2(Q·P) (all ciphertext primes and the special prime) at 128/192/256 bits.
// These are the values SEAL's CoeffModulus.MaxBitCount returns.
import { fail } from '../../device/errors.js';
import { isPrime, log2Big } from '../arith/bigint.js';
import { checkRingDegree } from '../arith/ntt-tables.js';
import { MAX_MODULUS } from '../arith/u32.js';

export type SecurityLevel = 128 | 192 | 256;
export type PlainEncoding = 'batch' | 'coefficients';

export const HE_STANDARD_MAX_LOG_QP: Readonly<Record<SecurityLevel, Readonly<Record<number, number>>>> = {
  128: { 1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881 },
  192: { 1024: 19, 2048: 37, 4096: 75, 8192: 152, 16384: 305, 32768: 611 },
  256: { 1024: 14, 2048: 29, 4096: 58, 8192: 118, 16384: 237, 32768: 476 },
};

export interface BgvParameters {
  /** Ring degree N: polynomials mod X^N + 1. */
  n: number;
  /** Ciphertext primes q_1..q_L; modulus switching drops them from the end. */
  ciphertextPrimes: readonly number[];
  /** The special key-switching prime P (not part of any ciphertext modulus). */
  specialPrime: number;
  /**
   * Plaintext modulus t. Batch encoding: prime and ≡ 1 (mod 2N), so that N integer slots exist.
   * Coefficient encoding: a power of two, with every ciphertext prime ≡ 1 (mod t).
   */
  plainModulus: number;
  /**
   * Where the message sits: in N slots (default; part 1) or in the polynomial's coefficients
   * (part 2: a dot product lands in one coefficient, which sample extraction turns into LWE).
   */
  encoding?: PlainEncoding;
  /**
   * Claimed classical security. 'none' skips the check and is only for unit tests of tiny
   * rings, the way SEAL's sec_level_type::none is.
   */
  security: SecurityLevel | 'none';
}

export interface ValidatedParameters extends BgvParameters {
  /** Bit length of Q·P, the quantity the standard bounds. */
  logQP: number;
  /** The standard's bound for this N and level (Infinity for 'none'). */
  maxLogQP: number;
}

/**
 * More ciphertext primes than any secure set holds (881 bits at N = 32768 is about 30 primes of
 * 30 bits): a cap that keeps a corrupt count from costing seconds of primality tests.
 */
export const MAX_CIPHERTEXT_PRIMES = 64;

/** Checks everything the arithmetic and the security claim rely on; fails naming the field, its value and the bound. */
export function validateParameters(p: BgvParameters): ValidatedParameters {
  checkRingDegree(p.n);
  const count = p.ciphertextPrimes.length;
  if (count < 1 || count > MAX_CIPHERTEXT_PRIMES) fail(`BGV parameters: ciphertextPrimes has ${count} primes; give 1 to ${MAX_CIPHERTEXT_PRIMES}`);
  const primes = [p.specialPrime, ...p.ciphertextPrimes];
  const all = [...primes, p.plainModulus];
  if (new Set(all).size !== all.length) fail(`BGV parameters: the primes and t must be distinct, got [${all.join(', ')}]`);
  const encoding = p.encoding ?? 'batch';
  if (encoding !== 'batch' && encoding !== 'coefficients') fail(`BGV parameters: encoding '${String(encoding)}' is not 'batch' or 'coefficients'`);
  const named: [string, number][] = [
    [`specialPrime = ${p.specialPrime}`, p.specialPrime],
    ...p.ciphertextPrimes.map((q, i): [string, number] => [`ciphertextPrimes[${i}] = ${q}`, q]),
    ...(encoding === 'batch' ? [[`plain modulus t = ${p.plainModulus}`, p.plainModulus] as [string, number]] : []),
  ];
  if (encoding === 'coefficients') checkCoefficientModulus(p);
  for (const [what, q] of named) {
    if (!Number.isInteger(q) || q < 3 || q >= MAX_MODULUS) fail(`BGV parameters: ${what} must be an integer in [3, 2^31) (u32 arithmetic)`);
    if (!isPrime(BigInt(q))) fail(`BGV parameters: ${what} is not prime`);
    if ((q - 1) % (2 * p.n) !== 0) {
      fail(`BGV parameters: ${what} is not ≡ 1 (mod 2N = ${2 * p.n}); ${q === p.plainModulus ? 'batching' : 'the negacyclic NTT'} needs it`);
    }
  }
  for (const [what, q] of named.slice(0, 1 + p.ciphertextPrimes.length)) {
    if (q <= p.plainModulus) fail(`BGV parameters: ${what} must exceed the plain modulus t = ${p.plainModulus}`);
  }
  const logQP = log2Big(primes.reduce((acc, q) => acc * BigInt(q), 1n));
  const bitLength = Math.floor(logQP) + 1;
  let maxLogQP = Infinity;
  if (p.security !== 'none') {
    const bound = HE_STANDARD_MAX_LOG_QP[p.security]?.[p.n];
    if (bound === undefined) {
      fail(`BGV parameters: the HE standard has no ${p.security}-bit entry for N = ${p.n}; use N in {1024, ..., 32768} or security 'none' for tests`);
    }
    maxLogQP = bound;
    if (bitLength > bound) {
      fail(
        `BGV parameters are insecure: Q·P has ${bitLength} bits but the HE standard allows at most ${bound} bits ` +
          `for ${p.security}-bit security at N = ${p.n} (ternary secret, σ = 3.2); use fewer or smaller primes or a larger N`,
      );
    }
  }
  return { ...p, logQP, maxLogQP };
}

/**
 * Coefficient encoding's plain modulus: t = 2^T, so that LWE samples taken from it carry the
 * message in their top bits of a power-of-two torus, and every ciphertext prime q ≡ 1 (mod t):
 * then modulus switching multiplies the message by q^{-1} ≡ 1 (no factor to undo) and
 * multiplying by −t^{-1} mod q gives exactly Δ·m with Δ = (q − 1)/t (see switch.ts).
 */
function checkCoefficientModulus(p: BgvParameters): void {
  const t = p.plainModulus;
  if (!Number.isInteger(t) || t < 2 || t >= MAX_MODULUS || (t & (t - 1)) !== 0) {
    fail(`BGV parameters: coefficient encoding needs the plain modulus t = ${t} to be a power of two in [2, 2^31)`);
  }
  p.ciphertextPrimes.forEach((q, i) => {
    if (q % t !== 1) fail(`BGV parameters: ciphertextPrimes[${i}] = ${q} is not ≡ 1 (mod t = ${t}); coefficient encoding needs it (exact modulus switching and LSB → MSB)`);
  });
}

/** The spec's seven 31-bit primes with 2^14 | q − 1 (217.0 bits ≤ 218 at N = 8192). */
export const GLYPH_PRIMES = [2147352577, 2147205121, 2147074049, 2146959361, 2146713601, 2146418689, 2146336769] as const;

/** N = 8192, Q·P = the seven primes (the first is P), t = 1073692673: 128-bit classical security. */
export const GLYPH_PARAMETERS: BgvParameters = {
  n: 8192,
  specialPrime: GLYPH_PRIMES[0],
  ciphertextPrimes: GLYPH_PRIMES.slice(1),
  plainModulus: 1073692673,
  security: 128,
};

/**
 * Glyph part 2's BGV side (ours): N = 4096, coefficient encoding with t = 2^14 (the widest
 * re-quantisation window of the hybrid network is 14 bits), ciphertext primes
 * 2013265921 = 15·2^27 + 1 and 1811939329 = 27·2^26 + 1 (both ≡ 1 mod t and mod 2N), special
 * prime 2113929217 = 63·2^25 + 1: log2(Q·P) = 92.9 ≤ 109 bits, 128-bit classical by the
 * HE-standard table. Two primes carry one ct × ct (t² times fresh noise squared, ~2^50, under
 * Q/2 ≈ 2^61). After switching to q_1 the LWE noise grows with t while Δ = (q_1 − 1)/t shrinks
 * with it, so the margin goes as 1/t²: the smallest t the windows allow.
 */
export const GLYPH_HYBRID_PARAMETERS: BgvParameters = {
  n: 4096,
  specialPrime: 2113929217,
  ciphertextPrimes: [2013265921, 1811939329],
  plainModulus: 2 ** 14,
  encoding: 'coefficients',
  security: 128,
};

/** Whether two parameter sets are the same ring, primes, plain modulus, encoding and security claim. */
export function sameParameters(a: BgvParameters, b: BgvParameters): boolean {
  return (
    a.n === b.n &&
    a.specialPrime === b.specialPrime &&
    a.plainModulus === b.plainModulus &&
    a.security === b.security &&
    (a.encoding ?? 'batch') === (b.encoding ?? 'batch') &&
    a.ciphertextPrimes.length === b.ciphertextPrimes.length &&
    a.ciphertextPrimes.every((q, i) => q === b.ciphertextPrimes[i])
  );
}
