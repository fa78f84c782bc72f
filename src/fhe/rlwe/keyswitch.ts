// Hybrid RNS key switching with one special prime P (as in SEAL): a polynomial c that meets
// a key s' in decryption is re-expressed for s. The key for s' → s holds, per RNS digit d,
// an encryption under s (over the basis P·Q) of P·s' placed in limb d only; the switch lifts
// each limb of c to the extended basis, takes the inner product with the key and divides by
// P with t-aware rounding, which leaves c·s' (mod t) plus a small error.
//
// Layout convention: the ring's prime 0 is P and ciphertexts live on primes [1, 1 + l).
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { decompose, liftSigned, modDown } from '../rns/basis.js';
import type { RnsContext } from '../rns/context.js';
import { intt, ntt } from '../rns/ntt.js';
import { toMontgomery } from '../rns/poly.js';
import { encryptSymmetric, gadgetMessages, keyInnerProduct } from './ops.js';
import { sampleGaussian, sampleUniform } from './sampling.js';

/** Uniform residues for rows × N over primes [base, base + k) cycling per row, as a u32 tensor. */
export function uniformPolys(ring: RnsContext, shape: readonly number[], base: number): Tensor {
  const k = shape[shape.length - 2]!;
  const rows = shape.reduce((p, d) => p * d, 1) / ring.n;
  const words = new Uint32Array(rows * ring.n);
  for (let r = 0; r < rows; r++) words.set(sampleUniform(ring.n, ring.primes[base + (r % k)]!), r * ring.n);
  return tensor(words, shape, 'u32');
}

/** Discrete-Gaussian errors lifted to [..., k, N] over [base, base + k), NTT domain. */
export function gaussianPolys(ring: RnsContext, lead: readonly number[], base: number, k: number): Tensor {
  const count = lead.reduce((p, d) => p * d, 1) * ring.n;
  const e = tensor(new Uint32Array(sampleGaussian(count).buffer), [...lead, ring.n], 'u32');
  return ntt(ring, liftSigned(ring, e, base, k), base);
}

/**
 * The key switching s' → s for ciphertexts of up to `digits` limbs: [digits, 2, digits + 1, N]
 * over primes [0, digits + 1) in the NTT domain and Montgomery form (one REDC per product).
 * `s` and `sPrime` are NTT-domain keys over at least those primes.
 */
export function generateKeySwitchKey(ring: RnsContext, s: Tensor, sPrime: Tensor, digits: number, t: bigint): Tensor {
  const e = digits + 1;
  return runtime().tidy(() => {
    const m = gadgetMessages(ring, sPrime, BigInt(ring.primes[0]!), { base: 0, e, digits, digitOff: 1, sOff: 0 });
    const a = uniformPolys(ring, [digits, e, ring.n], 0);
    const err = gaussianPolys(ring, [digits], 0, e);
    return toMontgomery(ring, encryptSymmetric(ring, { a, s, e: err, m }, 0, 0, t), 0);
  });
}

/**
 * (u0, u1) with u0 + u1·s ≈ c·s' (exact mod t) for c [B, l, N] (NTT domain, primes [1, 1+l)),
 * → [B, 2, l, N] on the same primes.
 */
export function keySwitch(ring: RnsContext, c: Tensor, key: Tensor, t: bigint): Tensor {
  const l = c.shape[c.rank - 2]!;
  if (c.rank !== 3) fail(`keySwitch: expected [B, l, N] polynomials, got [${c.shape.join(',')}]`);
  if (key.shape[0]! < l) fail(`keySwitch: the key covers ${key.shape[0]} limbs, the ciphertext has ${l}; generate keys at the top level`);
  return runtime().tidy(() => {
    const digits = ntt(ring, decompose(ring, intt(ring, c, 1), 1, 0, l + 1), 0);
    return modDown(ring, keyInnerProduct(ring, digits, key, 0), 0, 'first', t, true);
  });
}
