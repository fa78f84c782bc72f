// BGV end to end on a small ring (N = 256, security 'none' — the 128-bit sets are in
// bgv-security.test.ts): every homomorphic op against the same computation on plain integers
// mod t, plus key, factor and parameter checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ciphertext, Plaintext } from '../../src/fhe/bgv/ciphertext.js';
import { BgvContext } from '../../src/fhe/bgv/context.js';
import { decrypt, decryptRaw, decryptSigned, encryptPublic, encryptSymmetric, noiseBudget } from '../../src/fhe/bgv/encrypt.js';
import * as ev from '../../src/fhe/bgv/evaluator.js';
import { generateGaloisKeys, generatePublicKey, generateRelinKey, generateSecretKey, type GaloisKeys, type PublicKey, type RelinKey, type SecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_PRIMES, validateParameters, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { deserialize, serialize } from '../../src/fhe/bgv/serialize.js';
import { gpu } from '../setup.js';
import { SPEC_T, negacyclicProduct } from './reference.js';

const N = 256;
const T = SPEC_T;
const SMALL: BgvParameters = { n: N, specialPrime: GLYPH_PRIMES[0], ciphertextPrimes: GLYPH_PRIMES.slice(1, 5), plainModulus: T, security: 'none' };

let ctx: BgvContext;
let sk: SecretKey;
let pk: PublicKey;
let rlk: RelinKey;
let gk: GaloisKeys;

beforeAll(async () => {
  await gpu();
  ctx = new BgvContext(SMALL);
  sk = generateSecretKey(ctx);
  pk = generatePublicKey(ctx, sk);
  rlk = generateRelinKey(ctx, sk);
  gk = generateGaloisKeys(ctx, sk, ev.slotSumElements(N));
});

afterAll(() => {
  for (const x of [sk, pk, rlk, gk, ctx]) x?.dispose();
});

/** Deterministic slot values in [−range, range]. */
function slots(seed: number, range = 1000): number[] {
  let s = seed;
  return Array.from({ length: N }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s % (2 * range + 1)) - range;
  });
}

const modT = (v: number | bigint) => Number(((BigInt(v) % BigInt(T)) + BigInt(T)) % BigInt(T));
const expectSlots = (got: Uint32Array, want: (number | bigint)[]) => expect(Array.from(got)).toEqual(want.map(modT));

describe('batch encoder', () => {
  it('round-trips N slots and turns slotwise products into ring products', () => {
    const a = slots(1);
    const b = slots(2);
    expect(Array.from(ctx.encoder.decodeSigned(ctx.encoder.encode(a)))).toEqual(a);
    const product = negacyclicProduct(ctx.encoder.encode(a), ctx.encoder.encode(b), T);
    expectSlots(ctx.encoder.decode(Uint32Array.from(product, Number)), a.map((x, i) => BigInt(x) * BigInt(b[i]!)));
    // The coefficients are not the slots (the encoding is a transform, not a copy).
    expect(Array.from(ctx.encoder.encode(a)).filter((c, i) => c === modT(a[i]!)).length).toBeLessThan(4);
  });
});

describe('BGV on N = 256', () => {
  it('public-key and symmetric encryption decrypt to the message, with a positive noise budget', async () => {
    const msgs = [slots(3), slots(4), slots(5)];
    const pt = Plaintext.encode(ctx, msgs);
    for (const ct of [encryptPublic(ctx, pk, pt), encryptSymmetric(ctx, sk, pt)]) {
      expect(ct.batch).toBe(3);
      const out = await decryptSigned(ctx, sk, ct);
      out.forEach((row, i) => expect(Array.from(row)).toEqual(msgs[i]));
      const budget = await noiseBudget(ctx, sk, ct);
      // Q has 4 × 31 bits; a fresh ciphertext's m + t·e is about t·2^6 ≈ 2^36.
      expect(budget).toBeGreaterThan(ctx.modulusBits(4) - 1 - 45);
      expect(budget).toBeLessThan(ctx.modulusBits(4) - 1 - 30);
      ct.dispose();
    }
  });

  it('add, sub, plaintext add (shared and per ciphertext) and plaintext multiply', async () => {
    const [a, b, c] = [slots(6), slots(7), slots(8)];
    const A = encryptPublic(ctx, pk, Plaintext.encode(ctx, [a, b]));
    const B = encryptPublic(ctx, pk, Plaintext.encode(ctx, [b, c]));
    const [s0, s1] = await decrypt(ctx, sk, ev.add(ctx, A, B));
    expectSlots(s0!, a.map((x, i) => x + b[i]!));
    expectSlots(s1!, b.map((x, i) => x + c[i]!));
    const [d0] = await decrypt(ctx, sk, ev.sub(ctx, A, B));
    expectSlots(d0!, a.map((x, i) => x - b[i]!));
    const [p0, p1] = await decrypt(ctx, sk, ev.addPlain(ctx, A, Plaintext.encode(ctx, [c])));
    expectSlots(p0!, a.map((x, i) => x + c[i]!));
    expectSlots(p1!, b.map((x, i) => x + c[i]!));
    const [q0, q1] = await decrypt(ctx, sk, ev.mulPlain(ctx, A, Plaintext.encode(ctx, [c, a])));
    expectSlots(q0!, a.map((x, i) => x * c[i]!));
    expectSlots(q1!, b.map((x, i) => x * a[i]!));
  });

  it('a public integer matrix on a ciphertext batch (ct × scalar MACs)', async () => {
    const xs = [slots(9, 15), slots(10, 15), slots(11, 15)];
    const W = [[3, -7, 0], [-1, 2, 5]];
    const out = await decryptSigned(ctx, sk, ev.linear(ctx, encryptPublic(ctx, pk, Plaintext.encode(ctx, xs)), W));
    W.forEach((row, f) => expect(Array.from(out[f]!)).toEqual(xs[0]!.map((_, j) => row.reduce((acc, w, p) => acc + w * xs[p]![j]!, 0))));
  });

  it('ct × ct with and without relinearization', async () => {
    const [a, b] = [slots(12, 30000), slots(13, 30000)];
    const A = encryptPublic(ctx, pk, Plaintext.encode(ctx, [a]));
    const B = encryptPublic(ctx, pk, Plaintext.encode(ctx, [b]));
    const want = a.map((x, i) => BigInt(x) * BigInt(b[i]!));
    const prod = ev.multiply(ctx, A, B);
    expect(prod.parts).toBe(3);
    expectSlots((await decrypt(ctx, sk, prod))[0]!, want);
    const relin = ev.relinearize(ctx, prod, rlk);
    expect(relin.parts).toBe(2);
    expectSlots((await decrypt(ctx, sk, relin))[0]!, want);
    expect(await noiseBudget(ctx, sk, relin)).toBeGreaterThan(5);
  });

  it('row rotations, the row swap and the sum of all slots', async () => {
    const a = slots(14);
    const A = encryptPublic(ctx, pk, Plaintext.encode(ctx, [a]));
    const half = N / 2;
    const rotate = (steps: number) => a.map((_, i) => {
      const row = Math.floor(i / half);
      return a[row * half + ((((i % half) + steps) % half) + half) % half]!;
    });
    for (const steps of [1, 4, half / 2]) expect(Array.from((await decryptSigned(ctx, sk, ev.rotateRows(ctx, A, steps, gk)))[0]!)).toEqual(rotate(steps));
    expect(Array.from((await decryptSigned(ctx, sk, ev.swapRows(ctx, A, gk)))[0]!)).toEqual([...a.slice(half), ...a.slice(0, half)]);
    const total = a.reduce((x, y) => x + y, 0);
    expect(Array.from((await decryptSigned(ctx, sk, ev.sumSlots(ctx, A, gk)))[0]!)).toEqual(new Array(N).fill(total));
    expect(() => ev.rotateRows(ctx, A, 3, gk)).toThrow(/no Galois key for element 27/);
  });

  it('modulus switching keeps the message, tracks its factor, and lowers the noise', async () => {
    const [a, b] = [slots(15, 30000), slots(16, 30000)];
    const A = encryptPublic(ctx, pk, Plaintext.encode(ctx, [a]));
    const B = encryptPublic(ctx, pk, Plaintext.encode(ctx, [b]));
    const prod = ev.multiplyRelin(ctx, A, B, rlk);
    const before = await noiseBudget(ctx, sk, prod);
    const switched = ev.modSwitch(ctx, prod);
    expect(switched.level).toBe(3);
    expect(switched.factor).not.toBe(1n);
    expectSlots((await decrypt(ctx, sk, switched))[0]!, a.map((x, i) => BigInt(x) * BigInt(b[i]!)));
    // Dropping a 31-bit prime costs at most ~31 bits of budget, usually much less after a product.
    expect(await noiseBudget(ctx, sk, switched)).toBeGreaterThan(before - 31);
    const low = ev.modSwitchTo(ctx, A, 2);
    const summed = ev.add(ctx, low, ev.modSwitchTo(ctx, B, 2));
    expectSlots((await decrypt(ctx, sk, ev.addPlain(ctx, summed, Plaintext.encode(ctx, [b]))))[0]!, a.map((x, i) => x + 2 * b[i]!));
    expect(() => ev.add(ctx, A, low)).toThrow(/level 4\/2/);
  });

  it('decryption with a wrong key yields noise, not the message', async () => {
    const a = slots(17);
    const A = encryptPublic(ctx, pk, Plaintext.encode(ctx, [a]));
    const other = generateSecretKey(ctx);
    const wrong = (await decryptSigned(ctx, other, A))[0]!;
    expect(wrong.filter((v, i) => v === a[i]).length).toBeLessThanOrEqual(2);
    // And the raw value is spread over all of Z_Q, not a small m + t·e.
    const raw = (await decryptRaw(ctx, other, A))[0]!;
    const big = raw.filter((v) => (v < 0n ? -v : v) > 1n << 100n).length;
    expect(big).toBeGreaterThan(N * 0.9);
    other.dispose();
  });
});

describe('serialization (what crosses to the server)', () => {
  it('round-trips public keys and ciphertexts, and refuses the secret key', async () => {
    const a = slots(18);
    const A = ev.modSwitch(ctx, encryptPublic(ctx, pk, Plaintext.encode(ctx, [a])));
    const bytes = await serialize(SMALL, { pk, rlk, gk, A });
    const { params, items } = deserialize(bytes);
    expect(params).toEqual(SMALL);
    const A2 = items.A as Ciphertext;
    expect(A2.factor).toBe(A.factor);
    expect(Array.from((await decryptSigned(ctx, sk, A2))[0]!)).toEqual(a);
    const B = encryptPublic(ctx, items.pk as PublicKey, Plaintext.encode(ctx, [a]));
    const sq = ev.multiplyRelin(ctx, B, B, items.rlk as RelinKey);
    expectSlots((await decrypt(ctx, sk, ev.rotateRows(ctx, sq, 1, items.gk as GaloisKeys)))[0]!, a.map((_, i) => BigInt(a[(i % (N / 2) + 1) % (N / 2) + (i >= N / 2 ? N / 2 : 0)]!) ** 2n));
    await expect(serialize(SMALL, { sk } as never)).rejects.toThrow(/the secret key never leaves the client/);
    expect(() => deserialize(new Uint8Array(64))).toThrow(/the magic \(bytes 0-4\) is 00 00 00 00 00; .*not a gradwgsl FHE blob/);
  });
});

describe('BGV parameter validation', () => {
  it('refuses parameter sets over the 128-bit HE-standard bound, naming it', () => {
    expect(() => validateParameters({ ...SMALL, n: 4096, security: 128 })).toThrow(/Q·P has 155 bits but the HE standard allows at most 109 bits for 128-bit security at N = 4096/);
    expect(() => validateParameters({ ...SMALL, n: 8192, ciphertextPrimes: [...GLYPH_PRIMES.slice(1), 2146041857], security: 128 })).toThrow(/248 bits .* at most 218/);
    expect(validateParameters({ ...SMALL, n: 8192, ciphertextPrimes: GLYPH_PRIMES.slice(1), security: 128 }).logQP).toBeCloseTo(216.98, 1);
  });

  it('refuses primes and plain moduli the arithmetic cannot use', () => {
    expect(() => validateParameters({ ...SMALL, plainModulus: 65537 + 2 })).toThrow(/t = 65539 is not ≡ 1 \(mod 2N = 512\); batching needs it/);
    expect(() => validateParameters({ ...SMALL, ciphertextPrimes: [12289] })).toThrow(/12289 must exceed the plain modulus/);
    expect(() => validateParameters({ ...SMALL, ciphertextPrimes: [4293918721] })).toThrow(/ciphertextPrimes\[0\] = 4293918721 must be an integer in \[3, 2\^31\)/);
    expect(() => validateParameters({ ...SMALL, ciphertextPrimes: [2147352577 + 512] })).toThrow(/not prime/);
  });
});
