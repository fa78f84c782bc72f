// The BGV side of switching to LWE (Glyph part 2; CHIMERA's common torus view, spec
// glyph-fhe.md §3). A coefficient-encoded BGV ciphertext decrypts as φ = m + t·e (mod Q): the
// message in the LOW bits. We (1) modulus-switch it down to the single prime q_1 (the noise
// shrinks by the dropped primes; q ≡ 1 mod t keeps the message factor 1), (2) leave the NTT
// domain, and (3) multiply by −t^{-1} mod q. With q ≡ 1 (mod t), t^{-1} = (q·(t−1) + 1)/t, so
//   −t^{-1}·(m + t·e) ≡ m·(q − 1)/t − e  (mod q):
// the message in the HIGH bits, Δ·m with Δ = (q − 1)/t exactly (no rounding term), noise −e.
// Its coefficients are then LWE samples by sample extraction (rlwe/extract.ts) under the
// ternary key's coefficients; the LWE side (key switching to the small key, PBS) starts there.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mod, modInverse } from '../arith/bigint.js';
import { intt } from '../rns/ntt.js';
import { mulConstant } from '../rns/poly.js';
import { sampleExtract } from '../rlwe/extract.js';
import type { Ciphertext } from './ciphertext.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';
import { modSwitchTo } from './evaluator.js';

/** The MSB scale Δ = (q_1 − 1)/t of switched ciphertexts: the phase is Δ·m − e (mod q_1). */
export function msbScale(ctx: BgvContext): bigint {
  return (BigInt(ctx.params.ciphertextPrimes[0]!) - 1n) / ctx.t;
}

/** The constant −t^{-1} mod q_1 that turns LSB into MSB encoding. */
export function lsbToMsbConstant(ctx: BgvContext): bigint {
  const q = BigInt(ctx.params.ciphertextPrimes[0]!);
  return mod(-modInverse(ctx.t, q), q);
}

/**
 * BGV ciphertexts (2 parts, any level) → [B, 2, 1, N] over q_1 in coefficient form, MSB
 * encoded: c0 + c1·s ≡ Δ·m − e (mod q_1) per coefficient.
 */
export function switchToMsb(ctx: BgvContext, ct: Ciphertext): Tensor {
  if (ctx.encoding !== 'coefficients') fail('switchToMsb: needs coefficient encoding (the message must sit in coefficients to be extracted)');
  if (ct.parts !== 2) fail(`switchToMsb: relinearize first (${ct.parts} parts)`);
  return runtime().tidy(() => {
    const one = modSwitchTo(ctx, ct, 1);
    const coeffs = intt(ctx.ring, one.data, CIPHERTEXT_BASE);
    if (one !== ct) one.dispose();
    return mulConstant(ctx.ring, coeffs, lsbToMsbConstant(ctx), CIPHERTEXT_BASE);
  });
}

/** switchToMsb, then the chosen coefficients as LWE samples [B, K, N + 1] mod q_1 (b + <a, s> = Δ·m − e). */
export function bgvToLwe(ctx: BgvContext, ct: Ciphertext, indices: readonly number[]): Tensor {
  return runtime().tidy(() => sampleExtract(ctx.ring, switchToMsb(ctx, ct), indices, CIPHERTEXT_BASE));
}
