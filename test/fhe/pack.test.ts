// Glyph part 2, LWE → BGV: the packing key switch (rlwe/pack.ts) bit-exact against a BigInt
// reference (odd sample and key counts, two groups, outputs poisoned by test/setup.ts), and the
// BGV → LWE → BGV round trip (bgvToLwe, then lweToBgv) preserving every coefficient, with a
// wrong-key control that must fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCoefficients, encodeCoefficients } from '../../src/fhe/bgv/coefficients.js';
import { BgvContext, CIPHERTEXT_BASE } from '../../src/fhe/bgv/context.js';
import { decryptRaw, encryptPublic } from '../../src/fhe/bgv/encrypt.js';
import { generateBgvPackingKey, lweToBgv } from '../../src/fhe/bgv/from-lwe.js';
import { generatePublicKey, generateSecretKey, type SecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_HYBRID_PARAMETERS, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { bgvToLwe } from '../../src/fhe/bgv/switch.js';
import { mod, modInverse, primitiveRoot2N } from '../../src/fhe/arith/bigint.js';
import { generatePackingKey, packLwe, packingSlots } from '../../src/fhe/rlwe/pack.js';
import { sampleTernary } from '../../src/fhe/rlwe/sampling.js';
import { RnsContext } from '../../src/fhe/rns/context.js';
import { selectLimb } from '../../src/fhe/rns/basis.js';
import { intt } from '../../src/fhe/rns/ntt.js';
import { nttForward } from '../../src/fhe/arith/ntt-cpu.js';
import { reshape } from '../../src/kernels/shape/reshape.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { inttBigint, randomResidues } from './reference.js';

beforeAll(async () => {
  await gpu();
});

/** Balanced base-2^β digits of a residue, centred first; the last digit keeps the rest (as the kernel). */
function digitsOf(a: number, q: number, logBase: number, count: number): number[] {
  let rest = a > q / 2 ? a - q : a;
  const B = 2 ** logBase;
  const out: number[] = [];
  for (let t = 0; t < count; t++) {
    if (t + 1 === count) {
      out.push(rest);
      break;
    }
    let d = ((rest % B) + B) % B;
    if (d >= B / 2) d -= B;
    out.push(d);
    rest = (rest - d) / B;
  }
  return out;
}

/** A ternary key in the NTT domain, one row per prime of the ring. */
function ringKeyLimbs(ring: RnsContext, z: Int32Array): Uint32Array {
  const out = new Uint32Array(ring.primes.length * ring.n);
  ring.primes.forEach((q, l) => {
    const words = Uint32Array.from(z, (v) => (v < 0 ? q + v : v));
    nttForward(words, ring.tables[l]!);
    out.set(words, l * ring.n);
  });
  return out;
}

describe('packing key switch kernel', () => {
  it('equals Σ_k X^pos·(b, 0) + Σ A·K in BigInt, limb by limb (K = 7 in two groups, n = 11, N = 64, two primes)', async () => {
    const primes = [2013265921, 1811939329];
    const L = primes.length;
    const N = 64;
    const ring = new RnsContext(N, primes);
    const n = 11;
    const [logBase, digits] = [8, 4];
    const z = tensor(ringKeyLimbs(ring, sampleTernary(N)), [L, N], 'u32');
    const key = await generatePackingKey(ring, { base: 0, limbs: L, z, sOff: 0, lweKey: sampleTernary(n), logBase, digits });
    const positions = [[5, 0, 63, 17], [2, 40, 9]];
    const K = 7;
    const words = new Uint32Array(K * L * (n + 1));
    for (let k = 0; k < K; k++) primes.forEach((q, l) => words.set(randomResidues(n + 1, q, 31 + k * L + l), (k * L + l) * (n + 1)));
    words[3] = 0; // a zero stays a zero digit
    words[L * (n + 1) + 2] = primes[0]! - 1; // −1: every digit but the first is 0
    try {
      const out = packLwe(key, tensor(words, [K, L, n + 1], 'u32'), positions);
      expect(out.shape).toEqual([2, 2, L, N]);
      const got = (await out.data()) as Uint32Array;
      out.dispose();
      const keyWords = (await key.key.data()) as Uint32Array;
      const slots = packingSlots(N, positions);
      for (let limb = 0; limb < L; limb++) {
        // The key in coefficient form: out of Montgomery form (× 2^-32), then the inverse NTT.
        const q = primes[limb]!;
        const Q = BigInt(q);
        const rInv = modInverse(mod(1n << 32n, Q), Q);
        const psi = primitiveRoot2N(Q, N);
        const poly = (row: number, part: number) => {
          const at = ((row * 2 + part) * L + limb) * N;
          return inttBigint(Array.from(keyWords.subarray(at, at + N), (v) => Number((BigInt(v) * rInv) % Q)), q, psi);
        };
        const keyPolys = Array.from({ length: n * L * digits + 1 }, (_, r) => [poly(r, 0), poly(r, 1)]);
        for (let g = 0; g < 2; g++) {
          const want = [new Array<bigint>(N).fill(0n), new Array<bigint>(N).fill(0n)];
          for (let x = 0; x < N; x++) {
            const k1 = slots[g * N + x]!;
            if (k1 === 0) continue;
            const sample = (k1 - 1) * L;
            // c += coefficient × X^x · K_row (negacyclic shift by x).
            const addShifted = (c: bigint, row: number) => {
              for (let part = 0; part < 2; part++) {
                for (let i = 0; i < N; i++) {
                  const v = c * keyPolys[row]![part]![i]!;
                  if (i + x < N) want[part]![i + x]! += v;
                  else want[part]![i + x - N]! -= v;
                }
              }
            };
            addShifted(BigInt(words[(sample + limb) * (n + 1) + n]!), n * L * digits);
            for (let c = 0; c < n; c++) {
              for (let j = 0; j < L; j++) {
                digitsOf(words[(sample + j) * (n + 1) + c]!, primes[j]!, logBase, digits).forEach((d, t) => addShifted(BigInt(d), (c * L + j) * digits + t));
              }
            }
          }
          for (let part = 0; part < 2; part++) {
            const at = ((g * 2 + part) * L + limb) * N;
            expect(Array.from(got.subarray(at, at + N))).toEqual(want[part]!.map((v) => Number(mod(v, Q))));
          }
        }
      }
      const lwe = tensor(words, [K, L, n + 1], 'u32');
      expect(() => packLwe(key, lwe, [[1, 2, 3], [1, 2, 1, 4]])).toThrow(/position 1 appears twice in group 1/);
      expect(() => packLwe(key, lwe, [[1, 2]])).toThrow(/place 2 samples/);
      lwe.dispose();
      await expect(generatePackingKey(ring, { base: 0, limbs: 1, z, sOff: 0, lweKey: [1], logBase: 4, digits: 4 })).rejects.toThrow(/must cover log2 q/);
    } finally {
      key.key.dispose();
      z.dispose();
      ring.dispose();
    }
  });
});

describe('BGV → LWE → BGV', () => {
  const SMALL: BgvParameters = { ...GLYPH_HYBRID_PARAMETERS, n: 256, security: 'none' };
  const T = SMALL.plainModulus;
  let ctx: BgvContext;
  beforeAll(() => {
    ctx = new BgvContext(SMALL);
  });
  afterAll(() => ctx?.dispose());

  /** The secret key's coefficients (ternary, centred), the key of bgvToLwe's samples. */
  async function keyCoefficients(sk: SecretKey): Promise<number[]> {
    const limb = intt(ctx.ring, selectLimb(ctx.ring, sk.s, CIPHERTEXT_BASE), CIPHERTEXT_BASE);
    const q = ctx.params.ciphertextPrimes[0]!;
    const words = Array.from((await limb.data()) as Uint32Array, (v) => (v > q / 2 ? v - q : v));
    limb.dispose();
    return words;
  }

  it('every coefficient survives, moved where the positions say; the rest decrypt to 0; a wrong packing key fails', async () => {
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const N = ctx.n;
    const m = Int32Array.from(randomResidues(N, T, 5), (v) => v - T / 2); // the whole of Z_t, centred
    const ct = encryptPublic(ctx, pk, encodeCoefficients(ctx, [m]));
    const from = Array.from({ length: 33 }, (_, i) => (i * 5 + 3) % N); // odd count
    const to = from.map((c) => N - 1 - c); // reversed: the placement is the packing's, not the source's
    const lwe = reshape(bgvToLwe(ctx, ct, from), [from.length, 1, N + 1]);
    // 2-bit digits: at one prime the noise budget is q_1/(2t) = 2^16 per coefficient.
    const gadget = { level: 1, logBase: 2, digits: 16 };
    const key = await generateBgvPackingKey(ctx, sk, await keyCoefficients(sk), gadget);
    const wrong = await generateBgvPackingKey(ctx, sk, sampleTernary(N), gadget);
    try {
      const back = lweToBgv(ctx, key, lwe, [to]);
      expect(back.level).toBe(1);
      const want = new Int32Array(N);
      from.forEach((c, k) => (want[to[k]!] = m[c]!));
      expect(Array.from((await decryptCoefficients(ctx, sk, back))[0]!)).toEqual(Array.from(want));
      // The noise t·e it carries stays far below q_1/2 (the LWE noise plus the switch's).
      const q = BigInt(ctx.params.ciphertextPrimes[0]!);
      const raw = (await decryptRaw(ctx, sk, back))[0]!;
      const maxNoise = raw.reduce((worst, v, i) => {
        const c = mod(v - BigInt(want[i]!), q);
        const centred = c > q / 2n ? q - c : c;
        return centred > worst ? centred : worst;
      }, 0n);
      expect(Number(q / 2n / maxNoise)).toBeGreaterThan(4);
      back.dispose();
      const control = lweToBgv(ctx, wrong, lwe, [to]);
      const bad = (await decryptCoefficients(ctx, sk, control))[0]!;
      expect(to.filter((x) => bad[x] !== want[x]).length).toBeGreaterThan(to.length / 2);
      control.dispose();
    } finally {
      for (const x of [lwe, key.key, wrong.key, ct, pk, sk]) x.dispose();
    }
  });
});
