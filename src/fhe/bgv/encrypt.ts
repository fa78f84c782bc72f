// BGV encryption (public-key and symmetric) and decryption. Encryption lifts the plaintext's
// centered coefficients to the ciphertext primes and adds a fresh RLWE mask and t·error;
// decryption computes [c0 + c1·s (+ c2·s²)]_Q on the GPU and reconstructs it exactly on the CPU.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { crtBasis, log2Big, mod, modInverse } from '../arith/bigint.js';
import { liftCentered, liftSigned } from '../rns/basis.js';
import { intt, ntt } from '../rns/ntt.js';
import { gaussianPolys, uniformPolys } from '../rlwe/keyswitch.js';
import { decryptDot, encryptPublic as encryptPublicOp, encryptSymmetric as encryptSymmetricOp } from '../rlwe/ops.js';
import { sampleTernary } from '../rlwe/sampling.js';
import { Ciphertext, type Plaintext } from './ciphertext.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';
import type { PublicKey, SecretKey } from './keys.js';

/** The plaintexts lifted to the top level's primes in the NTT domain: [B, L, N]. */
export function liftPlaintext(ctx: BgvContext, pt: Plaintext, level: number): Tensor {
  if (pt.coefficients.length !== pt.batch * ctx.n) fail(`plaintext: ${pt.coefficients.length} coefficients for ${pt.batch} × N = ${ctx.n}`);
  const coeffs = tensor(pt.coefficients, [pt.batch, ctx.n], 'u32');
  return ntt(ctx.ring, liftCentered(ctx.ring, coeffs, ctx.params.plainModulus, CIPHERTEXT_BASE, level), CIPHERTEXT_BASE);
}

/** Encrypts each plaintext of the batch under the public key (anyone can do this). */
export function encryptPublic(ctx: BgvContext, pk: PublicKey, pt: Plaintext): Ciphertext {
  const { ring, n } = ctx;
  const L = ctx.maxLevel;
  const data = runtime().tidy(() => {
    const m = liftPlaintext(ctx, pt, L);
    const u = tensor(new Uint32Array(sampleTernary(pt.batch * n).buffer), [pt.batch, n], 'u32');
    const uNtt = ntt(ring, liftSigned(ring, u, CIPHERTEXT_BASE, L), CIPHERTEXT_BASE);
    const e = gaussianPolys(ring, [pt.batch, 2], CIPHERTEXT_BASE, L);
    return encryptPublicOp(ring, { pk: pk.data, u: uNtt, e, m }, CIPHERTEXT_BASE, ctx.t);
  });
  return new Ciphertext(data);
}

/** Encrypts with the secret key: (m − a·s + t·e, a) with a uniform. */
export function encryptSymmetric(ctx: BgvContext, sk: SecretKey, pt: Plaintext): Ciphertext {
  const { ring, n } = ctx;
  const L = ctx.maxLevel;
  const data = runtime().tidy(() => {
    const m = liftPlaintext(ctx, pt, L);
    const a = uniformPolys(ring, [pt.batch, L, n], CIPHERTEXT_BASE);
    const e = gaussianPolys(ring, [pt.batch], CIPHERTEXT_BASE, L);
    return encryptSymmetricOp(ring, { a, s: sk.s, e, m }, CIPHERTEXT_BASE, CIPHERTEXT_BASE, ctx.t);
  });
  return new Ciphertext(data);
}

/**
 * [c0 + c1·s (+ c2·s²)]_Q for every coefficient of every ciphertext, centered in (−Q/2, Q/2]:
 * m + t·(noise), exactly. Rows: [B][N].
 */
export async function decryptRaw(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<bigint[][]> {
  const { ring, n } = ctx;
  const l = ct.level;
  const dot = runtime().tidy(() => intt(ring, decryptDot(ring, ct.data, sk.s, sk.s2, CIPHERTEXT_BASE, CIPHERTEXT_BASE), CIPHERTEXT_BASE));
  const words = (await dot.data()) as Uint32Array;
  dot.dispose();
  const { Q, weights } = crtBasis(ctx.primesAt(l).map(BigInt));
  const half = Q / 2n;
  const out: bigint[][] = [];
  for (let b = 0; b < ct.batch; b++) {
    const row = new Array<bigint>(n);
    for (let j = 0; j < n; j++) {
      let acc = 0n;
      for (let i = 0; i < l; i++) acc += BigInt(words[(b * l + i) * n + j]!) * weights[i]!;
      const v = acc % Q;
      row[j] = v > half ? v - Q : v;
    }
    out.push(row);
  }
  return out;
}

/** Slot values in [0, t) from decryptRaw's rows, undoing the modulus-switching factor. */
export function decodeRaw(ctx: BgvContext, raw: readonly bigint[][], factor: bigint): Uint32Array[] {
  const T = ctx.t;
  const unscale = modInverse(factor, T);
  return raw.map((row) => ctx.encoder.decode(Uint32Array.from(row, (v) => Number(mod(v * unscale, T)))));
}

/**
 * The noise budget in bits: log2(Q_l / 2) − log2 max |c0 + c1·s mod Q_l| over all coefficients
 * of all rows (centered). It never goes below 0: once noise has wrapped around Q the centered
 * values fill (−Q/2, Q/2] and the budget reads ≈ 0; a few bits left means decryption is right.
 */
export function rawBudget(ctx: BgvContext, raw: readonly bigint[][], level: number): number {
  let max = 1n;
  for (const row of raw) {
    for (const v of row) {
      const a = v < 0n ? -v : v;
      if (a > max) max = a;
    }
  }
  return ctx.modulusBits(level) - 1 - log2Big(max);
}

/** Decrypts and decodes: slot values in [0, t) per ciphertext of the batch. */
export async function decrypt(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<Uint32Array[]> {
  return decodeRaw(ctx, await decryptRaw(ctx, sk, ct), ct.factor);
}

/** Slot values read as centered integers in (−t/2, t/2]. */
export async function decryptSigned(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<Int32Array[]> {
  return (await decrypt(ctx, sk, ct)).map((slots) => centeredSlots(ctx, slots));
}

export function centeredSlots(ctx: BgvContext, slots: Uint32Array): Int32Array {
  const t = ctx.params.plainModulus;
  return Int32Array.from(slots, (v) => (v > t / 2 ? v - t : v));
}

/** The noise budget of a ciphertext batch (its worst coefficient); see rawBudget. */
export async function noiseBudget(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<number> {
  return rawBudget(ctx, await decryptRaw(ctx, sk, ct), ct.level);
}
