// BGV key generation. The secret key never leaves the client; everything else here is public
// material the server may hold. All randomness comes from crypto.getRandomValues.
import { runtime } from '../../graph/runtime.js';
import { reshape } from '../../kernels/shape/reshape.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { automorph } from '../rns/automorph.js';
import { liftSigned } from '../rns/basis.js';
import { ntt } from '../rns/ntt.js';
import { polyMul } from '../rns/poly.js';
import { gaussianPolys, generateKeySwitchKey, uniformPolys } from '../rlwe/keyswitch.js';
import { encryptSymmetric } from '../rlwe/ops.js';
import { sampleTernary } from '../rlwe/sampling.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';

/** s (ternary) and s² in the NTT domain over every prime, [L+1, N] each. */
export class SecretKey {
  readonly kind = 'secret-key';
  constructor(
    readonly s: Tensor,
    readonly s2: Tensor,
  ) {}
  dispose(): void {
    this.s.dispose();
    this.s2.dispose();
  }
}

/** An encryption of zero under s at the top level: [2, L, N], NTT domain. */
export class PublicKey {
  readonly kind = 'public-key';
  constructor(readonly data: Tensor) {}
  dispose(): void {
    this.data.dispose();
  }
}

/** Key switching s² → s: [L, 2, L+1, N]. */
export class RelinKey {
  readonly kind = 'relin-key';
  constructor(readonly data: Tensor) {}
  dispose(): void {
    this.data.dispose();
  }
}

/** Key switching σ_g(s) → s per Galois element g. */
export class GaloisKeys {
  readonly kind = 'galois-keys';
  constructor(readonly keys: ReadonlyMap<number, Tensor>) {}
  dispose(): void {
    for (const k of this.keys.values()) k.dispose();
  }
}

export function generateSecretKey(ctx: BgvContext): SecretKey {
  const { ring, n } = ctx;
  return runtime().tidy(() => {
    const coeffs = tensor(new Uint32Array(sampleTernary(n).buffer), [n], 'u32');
    const s = ntt(ring, liftSigned(ring, coeffs, 0, ring.size), 0); // [L+1, N]
    return new SecretKey(s, polyMul(ring, s, s, 0));
  });
}

export function generatePublicKey(ctx: BgvContext, sk: SecretKey): PublicKey {
  const { ring, n } = ctx;
  const L = ctx.maxLevel;
  return runtime().tidy(() => {
    const a = uniformPolys(ring, [1, L, n], CIPHERTEXT_BASE);
    const e = gaussianPolys(ring, [1], CIPHERTEXT_BASE, L);
    const zero = tensor(new Uint32Array(L * n), [1, L, n], 'u32');
    const ct = encryptSymmetric(ring, { a, s: sk.s, e, m: zero }, CIPHERTEXT_BASE, CIPHERTEXT_BASE, ctx.t);
    return new PublicKey(reshape(ct, [2, L, n]));
  });
}

/**
 * Key switching s² → s for ciphertexts up to `level` limbs (default: the top). A key for a lower
 * level is smaller and faster to make; using it above that level is an error.
 */
export function generateRelinKey(ctx: BgvContext, sk: SecretKey, level = ctx.maxLevel): RelinKey {
  ctx.checkLevel(level);
  return runtime().tidy(() => new RelinKey(generateKeySwitchKey(ctx.ring, sk.s, sk.s2, level, ctx.t)));
}

/** Key switching σ_g(s) → s for each Galois element, for ciphertexts up to `level` limbs. */
export function generateGaloisKeys(ctx: BgvContext, sk: SecretKey, elements: readonly number[], level = ctx.maxLevel): GaloisKeys {
  ctx.checkLevel(level);
  const keys = new Map<number, Tensor>();
  for (const g of new Set(elements)) {
    keys.set(g, runtime().tidy(() => generateKeySwitchKey(ctx.ring, sk.s, automorph(ctx.ring, sk.s, g), level, ctx.t)));
  }
  return new GaloisKeys(keys);
}
