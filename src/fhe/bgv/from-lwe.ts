// LWE → BGV (Glyph part 2's return path): LWE samples mod Q_l = q_1·…·q_l (RNS) in MSB encoding
// (phase Δ·m − e, Δ = (Q_l − 1)/t: bgvToLwe's outputs at l = 1, the BGV-modulus blind rotation's
// at any l) are packed into the coefficients of one RLWE under the BGV key (rlwe/pack.ts), then
// turned back into LSB encoding by multiplying by −t: with Q_l ≡ 1 (mod t),
// −t·(Δ·m − e) = −(Q_l − 1)·m + t·e ≡ m + t·e (mod Q_l), exactly. The result is a level-l
// coefficient-encoded BGV ciphertext. The packing itself refreshes nothing: each phase keeps its
// LWE's noise e (plus the switch's), which becomes t·e. So the noise of what comes back is set
// by where the LWEs come from (see the Glyph README, "Part 2 wiring").
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { lweDimension, modSwitchFromTorus } from '../lwe/kernels.js';
import { ntt } from '../rns/ntt.js';
import { mulConstant } from '../rns/poly.js';
import { generatePackingKey, packLwe, type PackingKey } from '../rlwe/pack.js';
import { bgvBlindRotate, extractConstant, type BgvBootstrapKey } from './blind-rotate.js';
import { Ciphertext } from './ciphertext.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';
import type { SecretKey } from './keys.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The packing key from an LWE key (e.g. the BGV key's own coefficients, for samples that
 * bgvToLwe extracted, or a small LWE key) into the BGV key at q_1. Client side.
 */
export function generateBgvPackingKey(ctx: BgvContext, sk: SecretKey, lweKey: ArrayLike<number>, p: { level: number; logBase: number; digits: number }): Promise<PackingKey> {
  if (ctx.encoding !== 'coefficients') fail('generateBgvPackingKey: needs coefficient encoding (the messages land in coefficients)');
  if (!Number.isInteger(p.level) || p.level < 1 || p.level > ctx.maxLevel) fail(`generateBgvPackingKey: level ${p.level} must be in [1, ${ctx.maxLevel}]`);
  return generatePackingKey(ctx.ring, { base: CIPHERTEXT_BASE, limbs: p.level, z: sk.s, sOff: CIPHERTEXT_BASE, lweKey, logBase: p.logBase, digits: p.digits });
}

/**
 * MSB-encoded LWE samples [K, l, n + 1] mod Q_l → level-l BGV ciphertexts (one per group of
 * `positions`) whose coefficient positions[g][k] decrypts to sample k's message.
 */
export function lweToBgv(ctx: BgvContext, key: PackingKey, lwe: Tensor, positions: readonly (readonly number[])[]): Ciphertext {
  if (key.ring !== ctx.ring || key.base !== CIPHERTEXT_BASE) fail('lweToBgv: the packing key must be made for this context (generateBgvPackingKey)');
  const data = runtime().tidy(() => runtime().keep(ntt(ctx.ring, mulConstant(ctx.ring, packLwe(key, lwe, positions), -ctx.t, CIPHERTEXT_BASE), CIPHERTEXT_BASE)));
  return new Ciphertext(data);
}

/**
 * Programmable bootstrapping into BGV: torus LWE inputs [B, n + 1] under the small key s (as the
 * TFHE side's key switching leaves them) → level-L BGV ciphertexts whose coefficient
 * positions[g][k] decrypts to f_{tables[k]}(m_k) for the k-th input (test polynomials from
 * bgvTestPolynomials). Blind rotation at Q_L under the BGV key, extraction of coefficient 0,
 * packing, MSB → LSB: the noise is the rotation's and the packing's, not the input's.
 */
export function bootstrapToBgv(
  ctx: BgvContext,
  keys: { bootstrap: BgvBootstrapKey; packing: PackingKey },
  lwe: Tensor,
  tv: Tensor,
  positions: readonly (readonly number[])[],
  tables?: readonly number[],
): Ciphertext {
  const { bootstrap, packing } = keys;
  if (packing.limbs !== bootstrap.level || packing.lweDimension !== ctx.n) fail(`bootstrapToBgv: the packing key must take N = ${ctx.n}-dimensional samples at level ${bootstrap.level} (the bootstrapping key's)`);
  lweDimension(lwe, 'bootstrapToBgv', bootstrap.steps.length);
  return runtime().tidy(() => {
    const acc = bgvBlindRotate(bootstrap, modSwitchFromTorus(lwe, ctx.ring.logN + 1), tv, tables);
    return lweToBgv(ctx, packing, extractConstant(bootstrap, acc), positions);
  });
}
