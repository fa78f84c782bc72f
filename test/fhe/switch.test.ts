// Glyph part 2, the BGV side of the switch to LWE: coefficient-encoded parameters, the sample
// extraction kernel and the LSB → MSB switch bit-exact against BigInt references (outputs
// poisoned, odd batch and index counts), and BGV → LWE end to end: every coefficient of a
// ct × ct product survives as an LWE sample under the ring key (G3's round-trip half).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgvContext, CIPHERTEXT_BASE } from '../../src/fhe/bgv/context.js';
import { decryptCoefficients, dotCoefficient, encodeCoefficients, matrixCoefficients } from '../../src/fhe/bgv/coefficients.js';
import { encryptPublic } from '../../src/fhe/bgv/encrypt.js';
import * as ev from '../../src/fhe/bgv/evaluator.js';
import { generatePublicKey, generateRelinKey, generateSecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_HYBRID_PARAMETERS, GLYPH_PARAMETERS, validateParameters, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { deserialize, serialize } from '../../src/fhe/bgv/serialize.js';
import { checkHeader } from '../../src/fhe/bgv/blob-header.js';
import { Ciphertext } from '../../src/fhe/bgv/ciphertext.js';
import { bgvToLwe, lsbToMsbConstant, msbScale, switchToMsb } from '../../src/fhe/bgv/switch.js';
import { mod, primitiveRoot2N } from '../../src/fhe/arith/bigint.js';
import { sampleExtract } from '../../src/fhe/rlwe/extract.js';
import { selectLimb } from '../../src/fhe/rns/basis.js';
import { intt } from '../../src/fhe/rns/ntt.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { inttBigint, negacyclicProduct, randomResidues } from './reference.js';

const SMALL: BgvParameters = { ...GLYPH_HYBRID_PARAMETERS, n: 256, security: 'none' };
const T = SMALL.plainModulus;

beforeAll(async () => {
  await gpu();
});

/** Deterministic integers in [−range, range]. */
function ints(count: number, seed: number, range: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s % (2 * range + 1)) - range;
  });
}

/** The secret key's coefficients (ternary, centred) read back through prime q_1. */
async function keyCoefficients(ctx: BgvContext, s: ReturnType<typeof generateSecretKey>): Promise<number[]> {
  const limb = intt(ctx.ring, selectLimb(ctx.ring, s.s, CIPHERTEXT_BASE), CIPHERTEXT_BASE);
  const q = ctx.params.ciphertextPrimes[0]!;
  const words = Array.from((await limb.data()) as Uint32Array, (v) => (v > q / 2 ? v - q : v));
  limb.dispose();
  return words;
}

/** LWE phase b + <a, s> mod q, centred (exact: |Σ| < N·2^31 < 2^53). */
function lwePhase(row: Uint32Array, at: number, s: readonly number[], q: number): number {
  const n = s.length;
  let acc = row[at + n]!;
  for (let j = 0; j < n; j++) acc += row[at + j]! * s[j]!;
  const r = ((acc % q) + q) % q;
  return r > q / 2 ? r - q : r;
}

describe('coefficient-encoding parameters', () => {
  it('the part-2 set is 128-bit by the HE-standard table; t must be a power of two dividing every q − 1', () => {
    const v = validateParameters(GLYPH_HYBRID_PARAMETERS);
    expect(Math.floor(v.logQP) + 1).toBeLessThanOrEqual(109);
    expect(v.maxLogQP).toBe(109);
    expect(() => validateParameters({ ...SMALL, plainModulus: 65537 })).toThrow(/power of two/);
    // 2147205121 − 1 = 2^14·131055 (odd multiple of 2^14): not ≡ 1 mod 2^16.
    expect(() => validateParameters({ ...SMALL, plainModulus: 2 ** 16, ciphertextPrimes: [2013265921, 2147205121] })).toThrow(/ciphertextPrimes\[1\] = 2147205121 is not ≡ 1 \(mod t = 65536\)/);
    expect(validateParameters({ ...SMALL, ciphertextPrimes: [2013265921, 2147205121] }).plainModulus).toBe(2 ** 14);
    expect(() => validateParameters({ ...GLYPH_HYBRID_PARAMETERS, ciphertextPrimes: [2013265921, 1811939329, 998244353] })).toThrow(/insecure/);
  });

  it('a coefficient context has no slot encoder, and refuses batch encodings', () => {
    const ctx = new BgvContext(SMALL);
    try {
      expect(() => ctx.encoder).toThrow(/coefficient encoding, which has no slots/);
      expect(Array.from(encodeCoefficients(ctx, [[-1, 2, T + 3]]).coefficients.slice(0, 4))).toEqual([T - 1, 2, 3, 0]);
    } finally {
      ctx.dispose();
    }
  });
});

describe('coefficient-encoded blobs', () => {
  it('carry their encoding across serialization; batch blobs keep their old header', async () => {
    const ctx = new BgvContext(SMALL);
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const ct = encryptPublic(ctx, pk, encodeCoefficients(ctx, [[7, -8, 9]]));
    try {
      const bytes = await serialize(SMALL, { ct });
      const back = deserialize(bytes);
      expect(back.params.encoding).toBe('coefficients');
      const got = back.items.ct as Ciphertext;
      expect(Array.from((await decryptCoefficients(ctx, sk, got))[0]!.slice(0, 3))).toEqual([7, -8, 9]);
      got.dispose();
      const text = new TextDecoder().decode(bytes);
      expect(text).toContain('"encoding":"coefficients"');
      const batchHeader = new TextDecoder().decode(await serialize(GLYPH_PARAMETERS, {}));
      expect(batchHeader).not.toContain('encoding');
      const reject = (field: string, found: string, expected: string): never => {
        throw new Error(`${field}: ${found}, expected ${expected}`);
      };
      const wire = (encoding: string) => ({ params: { ...SMALL, encoding }, entries: [] });
      expect(checkHeader(wire('coefficients'), 0, reject).params.encoding).toBe('coefficients');
      expect(() => checkHeader(wire('batch'), 0, reject)).toThrow(/header.params.encoding: "batch", expected "coefficients"/);
    } finally {
      for (const v of [ct, pk, sk, ctx]) v.dispose();
    }
  });
});

describe('sample extraction kernel', () => {
  it('matches the negacyclic definition on random residues (B = 3, 5 indices, poisoned output)', async () => {
    const ctx = new BgvContext(SMALL);
    try {
      const n = ctx.n;
      const q = ctx.params.ciphertextPrimes[0]!;
      const B = 3;
      const words = randomResidues(B * 2 * n, q, 7);
      for (let b = 0; b < B; b++) words[(b * 2 + 1) * n + 5] = 0; // a zero in c1 must stay 0, not q
      const indices = [0, 5, 77, 128, n - 1];
      const out = sampleExtract(ctx.ring, tensor(words, [B, 2, 1, n], 'u32'), indices, CIPHERTEXT_BASE);
      const got = (await out.data()) as Uint32Array;
      out.dispose();
      expect(got.length).toBe(B * indices.length * (n + 1));
      for (let b = 0; b < B; b++) {
        indices.forEach((c, k) => {
          const at = (b * indices.length + k) * (n + 1);
          const c1 = (j: number) => words[(b * 2 + 1) * n + j]!;
          const want = Array.from({ length: n }, (_, j) => (j <= c ? c1(c - j) : (q - c1(n + c - j)) % q));
          expect(Array.from(got.subarray(at, at + n))).toEqual(want);
          expect(got[at + n]).toBe(words[b * 2 * n + c]);
        });
      }
      expect(() => sampleExtract(ctx.ring, tensor(words, [B, 2, 1, n], 'u32'), [n], CIPHERTEXT_BASE)).toThrow(/coefficient 256 is outside/);
    } finally {
      ctx.dispose();
    }
  });
});

describe('BGV → LWE', () => {
  let ctx: BgvContext;
  beforeAll(() => {
    ctx = new BgvContext(SMALL);
  });
  afterAll(() => ctx?.dispose());

  it('switchToMsb is modulus switching, the inverse NTT and ×(−t^{-1} mod q_1), bit-exact against BigInt', async () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const ct = encryptPublic(ctx, pk, encodeCoefficients(ctx, [ints(ctx.n, 3, 500), ints(ctx.n, 4, 500), ints(ctx.n, 5, 500)]));
    const one = ev.modSwitchTo(ctx, ct, 1);
    const q = ctx.params.ciphertextPrimes[0]!;
    const psi = primitiveRoot2N(BigInt(q), ctx.n);
    const c = lsbToMsbConstant(ctx);
    const ntt = (await one.data.data()) as Uint32Array;
    const out = switchToMsb(ctx, ct);
    const got = (await out.data()) as Uint32Array;
    expect(out.shape).toEqual([3, 2, 1, ctx.n]);
    for (let row = 0; row < 6; row++) {
      const coeffs = inttBigint(ntt.subarray(row * ctx.n, (row + 1) * ctx.n), q, psi);
      expect(Array.from(got.subarray(row * ctx.n, (row + 1) * ctx.n))).toEqual(coeffs.map((v) => Number(mod(v * c, BigInt(q)))));
    }
    expect(mod(c * ctx.t, BigInt(q))).toBe(BigInt(q) - 1n);
    for (const x of [out, one, ct, pk, sk]) x.dispose();
  });

  it('every coefficient of a ct × ct product comes out as an LWE sample of Δ·m with small noise', async () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const rlk = generateRelinKey(ctx, sk);
    const d = 16;
    const x = ints(d, 11, 15);
    const w = Array.from({ length: 8 }, (_, r) => ints(d, 20 + r, 30)); // |dot| ≤ 16·30·15 < t/2: no wrap
    const xCoeffs = Int32Array.from({ length: ctx.n }, (_, i) => (i < d ? x[i]! : 0));
    const wCoeffs = matrixCoefficients(ctx.n, w);
    const [cx, cw] = [encryptPublic(ctx, pk, encodeCoefficients(ctx, [xCoeffs])), encryptPublic(ctx, pk, encodeCoefficients(ctx, [wCoeffs]))];
    const prod = ev.multiplyRelin(ctx, cx, cw, rlk);
    const want = negacyclicProduct(Array.from(xCoeffs, (v) => mod(BigInt(v), BigInt(T))).map(Number), Array.from(wCoeffs, (v) => mod(BigInt(v), BigInt(T))).map(Number), T)
      .map((v) => Number(v >= BigInt(T / 2) ? v - BigInt(T) : v));
    // Decryption (LSB) agrees, and the dot products sit where the layout says.
    expect(Array.from((await decryptCoefficients(ctx, sk, prod))[0]!)).toEqual(want);
    w.forEach((row, r) => expect(want[dotCoefficient(r, d)]).toBe(row.reduce((s, v, i) => s + v * x[i]!, 0)));

    const all = Array.from({ length: ctx.n }, (_, i) => i);
    const lwe = bgvToLwe(ctx, prod, all);
    const rows = (await lwe.data()) as Uint32Array;
    const s = await keyCoefficients(ctx, sk);
    const q = ctx.params.ciphertextPrimes[0]!;
    const delta = Number(msbScale(ctx));
    expect(delta).toBe((q - 1) / T);
    let maxNoise = 0;
    all.forEach((c) => {
      const phase = lwePhase(rows, c * (ctx.n + 1), s, q);
      const m = Math.round(phase / delta);
      const centred = ((m % T) + T) % T;
      expect(centred >= T / 2 ? centred - T : centred).toBe(want[c]);
      maxNoise = Math.max(maxNoise, Math.abs(phase - m * delta));
    });
    // The noise is far below Δ/2 (a PBS then reads the top bits with room to spare).
    expect(Math.log2(delta / 2 / maxNoise)).toBeGreaterThan(4);
    for (const v of [lwe, prod, cx, cw, rlk, pk, sk]) v.dispose();
  });

  it('refuses 3-part ciphertexts', () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const ct = encryptPublic(ctx, pk, encodeCoefficients(ctx, [[1, 2, 3]]));
    const three = ev.multiply(ctx, ct, ct);
    expect(() => switchToMsb(ctx, three)).toThrow(/relinearize first \(3 parts\)/);
    for (const v of [three, ct, pk, sk]) v.dispose();
  });
});

describe('BGV → LWE at the 128-bit part-2 parameters (N = 4096)', () => {
  it('the default hidden layer (d = 32, h = 16) with full-range weights: exact dot products, noise margin', async () => {
    const ctx = new BgvContext(GLYPH_HYBRID_PARAMETERS);
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const rlk = generateRelinKey(ctx, sk);
    try {
      const d = 32;
      const x = ints(d, 5, 16);
      // Weights anywhere in (−t/2, t/2]: the noise bound must not depend on the weights staying small.
      const w = Array.from({ length: 16 }, (_, r) => ints(d, 40 + r, T / 2 - 1));
      const cx = encryptPublic(ctx, pk, encodeCoefficients(ctx, [x]));
      const cw = encryptPublic(ctx, pk, encodeCoefficients(ctx, [matrixCoefficients(ctx.n, w)]));
      const prod = ev.multiplyRelin(ctx, cx, cw, rlk);
      const at = w.map((_, r) => dotCoefficient(r, d));
      const lwe = bgvToLwe(ctx, prod, at);
      const rows = (await lwe.data()) as Uint32Array;
      const s = await keyCoefficients(ctx, sk);
      const q = ctx.params.ciphertextPrimes[0]!;
      const delta = Number(msbScale(ctx));
      let maxNoise = 0;
      w.forEach((row, r) => {
        const phase = lwePhase(rows, r * (ctx.n + 1), s, q);
        const m = Math.round(phase / delta);
        const dot = row.reduce((acc, v, i) => acc + v * x[i]!, 0);
        expect(mod(BigInt(m - dot), BigInt(T))).toBe(0n);
        maxNoise = Math.max(maxNoise, Math.abs(phase - m * delta));
      });
      const margin = Math.log2(delta / 2 / maxNoise);
      console.log(`part-2 BGV → LWE: Δ = ${delta}, max |noise| = ${maxNoise}, margin ${margin.toFixed(1)} bits below Δ/2`);
      // Measured 9.4–10.2 bits at t = 2^14 (5.1 at t = 2^16).
      expect(margin).toBeGreaterThan(7);
      for (const v of [lwe, prod, cx, cw]) v.dispose();
    } finally {
      for (const v of [rlk, pk, sk, ctx]) v.dispose();
    }
  }, 300_000);
});
