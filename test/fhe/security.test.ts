// Tests that the encryption is real (spec T3–T5): fresh randomness in every ciphertext,
// ciphertext residues that look uniform, and a trained distinguisher that cannot tell an
// encryption of zeros from an encryption of MNIST pixels — while the same distinguisher and
// the same uniformity test do catch a deliberately broken encryptor (positive controls).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ciphertext, Plaintext } from '../../src/fhe/bgv/ciphertext.js';
import { BgvContext, CIPHERTEXT_BASE } from '../../src/fhe/bgv/context.js';
import { encryptPublic, liftPlaintext } from '../../src/fhe/bgv/encrypt.js';
import { generatePublicKey, generateSecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_PARAMETERS, GLYPH_PRIMES, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { intt } from '../../src/fhe/rns/ntt.js';
import { encryptSymmetric } from '../../src/fhe/rlwe/ops.js';
import { glyphSplit } from '../../src/experiments/glyph/data.js';
import { readDigitClasses } from '../../src/experiments/glyph/index.js';
import { quantizePixels } from '../../src/experiments/glyph/plain.js';
import { runtime } from '../../src/graph/runtime.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { chiSquareUniformP, logisticRegression } from './stats.js';

let pixelValues: number[] = [];

beforeAll(async () => {
  await gpu();
  const data = glyphSplit(await readDigitClasses(), true);
  const x = quantizePixels(data.private);
  // One real pixel across the private digits (the centre of the 14×14 image): a data ciphertext's slots.
  pixelValues = Array.from({ length: data.private.n }, (_, j) => x[j * data.private.pixels + 7 * 14 + 7]!);
});

/** Coefficient-form words [B, 2, l, N] of a ciphertext batch. */
async function coefficients(ctx: BgvContext, ct: Ciphertext): Promise<Uint32Array> {
  const c = intt(ctx.ring, ct.data, CIPHERTEXT_BASE);
  const words = (await c.data()) as Uint32Array;
  c.dispose();
  return words;
}

/** A broken encryptor: mask a = 0 and error e = 0, so the "ciphertext" is (m, 0). */
function brokenEncrypt(ctx: BgvContext, pt: Plaintext): Ciphertext {
  const L = ctx.maxLevel;
  return new Ciphertext(runtime().tidy(() => {
    const zero = tensor(new Uint32Array(pt.batch * L * ctx.n), [pt.batch, L, ctx.n], 'u32');
    const m = liftPlaintext(ctx, pt, L);
    return encryptSymmetric(ctx.ring, { a: zero, s: zero, e: zero, m }, CIPHERTEXT_BASE, 0, ctx.t);
  }));
}

describe('freshness and uniformity at the 128-bit parameters (N = 8192, six 31-bit limbs)', () => {
  let ctx: BgvContext;
  beforeAll(() => {
    ctx = new BgvContext(GLYPH_PARAMETERS);
  });
  afterAll(() => ctx.dispose());

  it('T3: two encryptions of the same plaintext differ in >= 99.9% of the coefficients of every limb', async () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const pt = Plaintext.encode(ctx, [pixelValues, pixelValues]);
    const words = await coefficients(ctx, encryptPublic(ctx, pk, pt));
    const n = ctx.n;
    const L = ctx.maxLevel;
    for (let part = 0; part < 2; part++) {
      for (let limb = 0; limb < L; limb++) {
        const a = ((0 * 2 + part) * L + limb) * n;
        const b = ((1 * 2 + part) * L + limb) * n;
        let same = 0;
        for (let j = 0; j < n; j++) if (words[a + j] === words[b + j]) same++;
        expect(same / n).toBeLessThanOrEqual(0.001);
      }
    }
    sk.dispose();
    pk.dispose();
  });

  it('T4: per limb, floor(64 c / q) over c0 and c1 passes chi-square (p > 1e-4) for zeros and for real pixels; a broken encryptor fails', async () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const pt = Plaintext.encode(ctx, [[], pixelValues]);
    const words = await coefficients(ctx, encryptPublic(ctx, pk, pt));
    const broken = await coefficients(ctx, brokenEncrypt(ctx, Plaintext.encode(ctx, [pixelValues])));
    const n = ctx.n;
    const L = ctx.maxLevel;
    const pValue = (w: Uint32Array, ct: number, limb: number) => {
      const q = ctx.primesAt(L)[limb]!;
      const bins = new Array<number>(64).fill(0);
      for (let part = 0; part < 2; part++) {
        const at = ((ct * 2 + part) * L + limb) * n;
        for (let j = 0; j < n; j++) bins[Math.floor((64 * w[at + j]!) / q)]!++;
      }
      return chiSquareUniformP(bins);
    };
    for (let limb = 0; limb < L; limb++) {
      expect(pValue(words, 0, limb)).toBeGreaterThan(1e-4);
      expect(pValue(words, 1, limb)).toBeGreaterThan(1e-4);
      expect(pValue(broken, 0, limb)).toBeLessThan(1e-10);
    }
    sk.dispose();
    pk.dispose();
  });
});

describe('T5: a trained distinguisher (secure N = 4096 set: P and two 31-bit primes, 93 bits <= 109)', () => {
  const params: BgvParameters = { n: 4096, specialPrime: GLYPH_PRIMES[0], ciphertextPrimes: GLYPH_PRIMES.slice(1, 3), plainModulus: GLYPH_PARAMETERS.plainModulus, security: 128 };

  /** First 256 coefficients of c0 and c1 per limb scaled by 1/q, plus per-limb mean and variance. */
  function features(ctx: BgvContext, words: Uint32Array, count: number): Float64Array[] {
    const n = ctx.n;
    const L = ctx.maxLevel;
    return Array.from({ length: count }, (_, b) => {
      const f: number[] = [];
      for (let limb = 0; limb < L; limb++) {
        const q = ctx.primesAt(L)[limb]!;
        let sum = 0;
        let sq = 0;
        for (let part = 0; part < 2; part++) {
          const at = ((b * 2 + part) * L + limb) * n;
          for (let j = 0; j < n; j++) {
            const v = words[at + j]! / q;
            if (j < 256) f.push(v);
            sum += v;
            sq += v * v;
          }
        }
        const mean = sum / (2 * n);
        f.push(mean, sq / (2 * n) - mean * mean);
      }
      return Float64Array.from(f);
    });
  }

  async function score(ctx: BgvContext, encrypt: (pt: Plaintext) => Ciphertext): Promise<number> {
    // 300 zero plaintexts and 300 pixel plaintexts, interleaved; 400 train, 200 held out.
    const rows = Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? [] : pixelValues.slice(0, ctx.n)));
    const ct = encrypt(Plaintext.encode(ctx, rows));
    const x = features(ctx, await coefficients(ctx, ct), 600);
    ct.dispose();
    const y = rows.map((_, i) => i % 2);
    const predict = logisticRegression(x.slice(0, 400), y.slice(0, 400));
    let correct = 0;
    for (let i = 400; i < 600; i++) if (predict(x[i]!) === y[i]) correct++;
    return correct / 200;
  }

  it('scores 40%–60% on real ciphertexts and > 95% on a broken encryptor (the test has power)', { timeout: 300_000 }, async () => {
    const ctx = new BgvContext(params);
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const real = await score(ctx, (pt) => encryptPublic(ctx, pk, pt));
    expect(real).toBeGreaterThanOrEqual(0.4);
    expect(real).toBeLessThanOrEqual(0.6);
    expect(await score(ctx, (pt) => brokenEncrypt(ctx, pt))).toBeGreaterThan(0.95);
    sk.dispose();
    pk.dispose();
    ctx.dispose();
  });
});
