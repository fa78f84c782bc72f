// TFHE parameter sets and their validation. Three key families meet in a bootstrapping, and each
// needs its own security argument:
//   LWE (the small key s ∈ {0,1}^n, q = 2^32): fresh ciphertexts and the key-switching key;
//   RLWE/RGSW (the ring key z, ternary, N, one prime Q < 2^31, σ = 3.2): the bootstrapping key
//     and every extracted ciphertext;
// and the decomposition bases, which set noise (not security). `security: 128` is accepted only
// for the rows of VALIDATED_LWE and the HE-standard bound on the ring; 'none' skips both and is
// for unit tests of tiny rings only, as part 1's BGV parameters do.
import { fail } from '../../device/errors.js';
import { isPrime } from '../arith/bigint.js';
import { checkRingDegree } from '../arith/ntt-tables.js';
import { MAX_MODULUS } from '../arith/u32.js';
import { HE_STANDARD_MAX_LOG_QP } from '../bgv/params.js';

export interface TfheParameters {
  /** LWE dimension n of the small key (binary secret). */
  lweDimension: number;
  /** Standard deviation of LWE errors as a fraction of q = 2^32 (TFHE-rs' "modular std dev"). */
  lweRelativeSigma: number;
  /** Ring degree N of the accumulator and bootstrapping key: polynomials mod X^N + 1. */
  ringDegree: number;
  /** The NTT prime Q < 2^31 (≡ 1 mod 2N) of the accumulator. */
  ringPrime: number;
  /** Gadget base log2(B_g) and digit count d_g of the external product; B_g^d_g must reach Q. */
  gadgetLogBase: number;
  gadgetDigits: number;
  /** Key-switching base log2(B_ks) and digit count: the top logBase·digits bits of each a_i are kept. */
  ksLogBase: number;
  ksDigits: number;
  /** Message bits p (plus one padding bit): messages live in [0, 2^p). */
  messageBits: number;
  /** Claimed classical security; 'none' only for unit tests. */
  security: 128 | 'none';
}

/**
 * LWE rows whose security comes from a published set, for exactly this (n, σ/q, binary secret).
 * TFHE-rs publishes σ relative to q = 2^64; we use q = 2^32 with the same relative σ. Lattice
 * attacks see (n, q, σ) only through n and α = σ/q while σ ≫ 1 (here σ ≈ 30,365), so the estimate
 * carries over; the row records that this is the argument, not a new estimate.
 */
export const VALIDATED_LWE: readonly { n: number; relativeSigma: number; source: string }[] = [
  {
    n: 742,
    relativeSigma: 7.069849454709433e-6,
    source:
      'TFHE-rs shortint PARAM_MESSAGE_2_CARRY_2 (tfhe-rs 0.2–0.4; also the 4-bit PBS set of Zama\'s bounty programme): ' +
      'n = 742, binary secret, lwe_modular_std_dev = 7.069849454709433e-6 at q = 2^64, claimed 128-bit by the lattice estimator',
  },
];

/** The set the Glyph demo bootstraps with: 4-bit messages, failure ≤ 2^-40 (see noise.ts). */
export const TFHE_PARAMETERS: TfheParameters = {
  lweDimension: 742,
  lweRelativeSigma: 7.069849454709433e-6,
  ringDegree: 2048,
  // The largest prime < 2^31 with 2^15 | Q − 1 (glyph-fhe.md §8); 31 bits ≤ 54 at N = 2048.
  ringPrime: 2147352577,
  gadgetLogBase: 8,
  gadgetDigits: 4,
  ksLogBase: 2,
  ksDigits: 8,
  messageBits: 4,
  security: 128,
};

/** Checks the arithmetic every kernel relies on and, for security 128, the table rows; fails naming the field. */
export function validateTfheParameters(p: TfheParameters): TfheParameters {
  const logN = checkRingDegree(p.ringDegree);
  const Q = p.ringPrime;
  if (!Number.isInteger(Q) || Q < 3 || Q >= MAX_MODULUS || !isPrime(BigInt(Q)) || (Q - 1) % (2 * p.ringDegree) !== 0) {
    fail(`TFHE parameters: ringPrime = ${Q} must be a prime < 2^31 with Q ≡ 1 (mod 2N = ${2 * p.ringDegree}) (the negacyclic NTT needs it)`);
  }
  const intIn = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(p.lweDimension, 1, 4096)) fail(`TFHE parameters: lweDimension = ${p.lweDimension} must be an integer in [1, 4096]`);
  if (!intIn(p.gadgetLogBase, 1, 16) || !intIn(p.gadgetDigits, 1, 31) || p.gadgetLogBase * p.gadgetDigits < Math.log2(Q)) {
    fail(`TFHE parameters: gadget base 2^${p.gadgetLogBase} with ${p.gadgetDigits} digits must cover Q = ${Q} (logBase·digits ≥ log2 Q, logBase ≤ 16)`);
  }
  if (!intIn(p.ksLogBase, 1, 16) || !intIn(p.ksDigits, 1, 32) || p.ksLogBase * p.ksDigits > 31) {
    fail(`TFHE parameters: key-switching base 2^${p.ksLogBase} with ${p.ksDigits} digits must keep at most 31 bits of each a_i`);
  }
  // The blind rotation reads messages at modulus 2N: each of the 2^(p+1) boxes needs ≥ 2 points.
  if (!intIn(p.messageBits, 1, logN - 1)) fail(`TFHE parameters: messageBits = ${p.messageBits} must be in [1, log2 N − 1 = ${logN - 1}]`);
  if (!(p.lweRelativeSigma > 0 && p.lweRelativeSigma < 0.01)) fail(`TFHE parameters: lweRelativeSigma = ${p.lweRelativeSigma} must be in (0, 0.01)`);
  if (p.security === 'none') return p;
  if (p.security !== 128) fail(`TFHE parameters: security must be 128 or 'none' (unit tests), got ${String(p.security)}`);
  const row = VALIDATED_LWE.find((r) => r.n === p.lweDimension && r.relativeSigma === p.lweRelativeSigma);
  if (!row) {
    fail(
      `TFHE parameters: (n = ${p.lweDimension}, σ/q = ${p.lweRelativeSigma}, binary secret) is not in VALIDATED_LWE ` +
        `(src/fhe/tfhe/params.ts): use a row of that table (${VALIDATED_LWE.map((r) => `n = ${r.n}, σ/q = ${r.relativeSigma}`).join('; ')}) or security 'none' for tests`,
    );
  }
  const bound = HE_STANDARD_MAX_LOG_QP[128][p.ringDegree];
  if (bound === undefined || Math.log2(Q) > bound) {
    fail(`TFHE parameters: the ring (N = ${p.ringDegree}, log2 Q = ${Math.log2(Q).toFixed(1)}) exceeds HE_STANDARD_MAX_LOG_QP[128] (src/fhe/bgv/params.ts), which allows ${bound ?? 'no entry'}; use a larger N or a smaller prime`);
  }
  return p;
}
