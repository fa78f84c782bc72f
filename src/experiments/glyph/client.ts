// The client's half of the demo: it owns the data and every secret. It makes the keys,
// encrypts pixels (one ciphertext per pixel, slot j = private digit j) and one-hot labels
// (one ciphertext per class), and later decrypts the class sums the server returns.
import { Ciphertext, Plaintext } from '../../fhe/bgv/ciphertext.js';
import type { BgvContext } from '../../fhe/bgv/context.js';
import { centeredSlots, decodeRaw, decryptRaw, encryptPublic, rawBudget } from '../../fhe/bgv/encrypt.js';
import { slotSumElements } from '../../fhe/bgv/evaluator.js';
import {
  generateGaloisKeys, generatePublicKey, generateRelinKey, generateSecretKey,
  type GaloisKeys, type PublicKey, type RelinKey, type SecretKey,
} from '../../fhe/bgv/keys.js';
import { intt } from '../../fhe/rns/ntt.js';
import { runtime } from '../../graph/runtime.js';
import { CLASSES, type Images } from './data.js';
import { quantizePixels } from './plain.js';

export interface ClientKeys {
  secret: SecretKey;
  publicKey: PublicKey;
  relinKey: RelinKey;
  galoisKeys: GaloisKeys;
}

/** All keys; key-switching keys only as deep as the schedule uses them (smaller uploads). */
export function makeKeys(ctx: BgvContext, multiplyLevel: number, sumLevel: number): ClientKeys {
  const secret = generateSecretKey(ctx);
  return {
    secret,
    publicKey: generatePublicKey(ctx, secret),
    relinKey: generateRelinKey(ctx, secret, multiplyLevel),
    galoisKeys: generateGaloisKeys(ctx, secret, slotSumElements(ctx.n), sumLevel),
  };
}

/** Pixel ciphertexts [pixels] and label ciphertexts [10], slot j = private digit j. */
export function encryptDataset(ctx: BgvContext, pk: PublicKey, images: Images): { pixels: Ciphertext; labels: Ciphertext } {
  const x = quantizePixels(images);
  const pixelRows = Array.from({ length: images.pixels }, (_, p) => Array.from({ length: images.n }, (_, j) => x[j * images.pixels + p]!));
  const labelRows = Array.from({ length: CLASSES }, (_, c) => Array.from(images.y, (y) => (y === c ? 1 : 0)));
  return {
    pixels: encryptPublic(ctx, pk, Plaintext.encode(ctx, pixelRows)),
    labels: encryptPublic(ctx, pk, Plaintext.encode(ctx, labelRows)),
  };
}

/** Slot 0 of each ciphertext (every slot holds the sum) and the batch's noise budget. */
export async function decryptTotals(ctx: BgvContext, sk: SecretKey, ct: Ciphertext): Promise<{ values: number[]; budget: number }> {
  const raw = await decryptRaw(ctx, sk, ct);
  const values = decodeRaw(ctx, raw, ct.factor).map((slots) => centeredSlots(ctx, slots)[0]!);
  return { values, budget: rawBudget(ctx, raw, ct.level) };
}

/** The windows start at words 0 and N/2 + 3 of each limb and span 8 words, so N must reach 32. */
export const MIN_RING_FOR_WINDOWS = 32;

/**
 * 32-byte windows of the secret key (NTT and coefficient form, two per limb), for the
 * key-hygiene check: none of them may occur in anything the server receives.
 */
export async function secretKeyWindows(ctx: BgvContext, sk: SecretKey): Promise<Uint8Array[]> {
  const coefficients = runtime().tidy(() => intt(ctx.ring, sk.s, 0));
  const forms = [(await sk.s.data()) as Uint32Array, (await coefficients.data()) as Uint32Array];
  coefficients.dispose();
  const windows: Uint8Array[] = [];
  for (const words of forms) {
    for (let limb = 0; limb < ctx.ring.size; limb++) {
      for (const at of [0, ctx.n / 2 + 3]) {
        const start = limb * ctx.n + at;
        windows.push(new Uint8Array(words.buffer, words.byteOffset + 4 * start, 32).slice());
      }
    }
  }
  return windows;
}
