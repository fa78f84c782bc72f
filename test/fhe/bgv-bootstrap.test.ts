// Glyph part 2, LWE → BGV with fresh noise: the blind rotation at the BGV modulus (two RNS limbs,
// the RNS gadget) and the extraction bit-exact against a BigInt reference (odd batch, outputs
// poisoned by test/setup.ts), and G3's round trip BGV → LWE → PBS(table) → BGV on every value of
// the 6-bit PBS input space (p = 5 plus the padding bit) for the identity, signed, ReLU, ReLU′ and
// top-bit (requantisation) tables, with a wrong-table and a wrong-key control that must fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mod, modInverse, primitiveRoot2N } from '../../src/fhe/arith/bigint.js';
import { bgvBlindRotate, bgvTestPolynomials, extractConstant, generateBgvBootstrapKey } from '../../src/fhe/bgv/blind-rotate.js';
import { decryptCoefficients, encodeCoefficients } from '../../src/fhe/bgv/coefficients.js';
import { BgvContext, CIPHERTEXT_BASE } from '../../src/fhe/bgv/context.js';
import { encryptPublic } from '../../src/fhe/bgv/encrypt.js';
import { bootstrapToBgv, generateBgvPackingKey } from '../../src/fhe/bgv/from-lwe.js';
import { generatePublicKey, generateSecretKey, type SecretKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_HYBRID_PARAMETERS, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { switchToMsb } from '../../src/fhe/bgv/switch.js';
import { generateLweKeySwitchKey } from '../../src/fhe/lwe/cpu.js';
import { lweKeySwitch, modSwitchToTorus } from '../../src/fhe/lwe/kernels.js';
import { sampleBinary } from '../../src/fhe/lwe/sampling.js';
import { sampleExtract } from '../../src/fhe/rlwe/extract.js';
import { selectLimb } from '../../src/fhe/rns/basis.js';
import { intt } from '../../src/fhe/rns/ntt.js';
import { mulConstant } from '../../src/fhe/rns/poly.js';
import { lowDigitTable, pbs, reluDerivativeTable, reluTable, signedTable, topBitTable, type LookupTable } from '../../src/experiments/glyph/hybrid/tables.js';
import { runtime } from '../../src/graph/runtime.js';
import { reshape } from '../../src/kernels/shape/reshape.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { inttBigint, randomResidues } from './reference.js';

beforeAll(async () => {
  await gpu();
});

/** X^k·P mod X^N + 1 for k in [0, 2N), BigInt coefficients (unreduced). */
function rotate(P: readonly bigint[], k: number): bigint[] {
  const N = P.length;
  const out = new Array<bigint>(N).fill(0n);
  P.forEach((v, y) => {
    const e = (y + k) % (2 * N);
    if (e < N) out[e] = out[e]! + v;
    else out[e - N] = out[e - N]! - v;
  });
  return out;
}

/** Balanced base-2^β digits of a residue, centred first; the last digit keeps the rest (as the kernels). */
function digitsOf(a: bigint, q: bigint, logBase: number, count: number): bigint[] {
  let rest = a > q / 2n ? a - q : a;
  const B = 1n << BigInt(logBase);
  const out: bigint[] = [];
  for (let t = 0; t < count; t++) {
    if (t + 1 === count) {
      out.push(rest);
      break;
    }
    let d = mod(rest, B);
    if (d >= B / 2n) d -= B;
    out.push(d);
    rest = (rest - d) / B;
  }
  return out;
}

describe('blind rotation at the BGV modulus', () => {
  const TINY: BgvParameters = { ...GLYPH_HYBRID_PARAMETERS, n: 64, security: 'none' };
  let ctx: BgvContext;
  beforeAll(() => {
    ctx = new BgvContext(TINY);
  });
  afterAll(() => ctx?.dispose());

  it('equals the CMux recurrence over two limbs in BigInt, and extraction reads coefficient 0 (B = 3, n = 5, N = 64)', async () => {
    const sk = generateSecretKey(ctx);
    const N = ctx.n;
    const L = 2;
    const [logBase, digits] = [8, 4];
    const lweKey = [1, 0, 1, 1, 0];
    const n = lweKey.length;
    const key = await generateBgvBootstrapKey(ctx, sk, lweKey, { level: L, logBase, digits });
    const B = 3;
    const lweWords = Uint32Array.from(randomResidues(B * (n + 1), 2 * N, 41));
    lweWords[n + 1 + 2] = 0; // a~ = 0: the step adds RGSW ⊡ 0
    const primes = ctx.params.ciphertextPrimes.slice(0, L).map(BigInt);
    const tvWords = new Uint32Array(2 * L * N);
    for (let t = 0; t < 2; t++) primes.forEach((q, l) => tvWords.set(randomResidues(N, Number(q), 50 + t * L + l), (t * L + l) * N));
    const tables = [1, 0, 1];
    const acc = bgvBlindRotate(key, tensor(lweWords, [B, n + 1], 'u32'), tensor(tvWords, [2, L, N], 'u32'), tables);
    const extracted = extractConstant(key, acc);
    try {
      const got = (await acc.data()) as Uint32Array;
      const gotLwe = (await extracted.data()) as Uint32Array;
      // The key rows in coefficient form, limb by limb.
      const rows = 2 * L * digits;
      const keyPolys = await Promise.all(
        key.steps.map(async (step) => {
          const words = (await step.data()) as Uint32Array;
          return Array.from({ length: rows }, (_, r) =>
            [0, 1].map((part) =>
              primes.map((q, l) => {
                const rInv = modInverse(mod(1n << 32n, q), q);
                const at = ((r * 2 + part) * L + l) * N;
                return inttBigint(Array.from(words.subarray(at, at + N), (v) => Number((BigInt(v) * rInv) % q)), Number(q), primitiveRoot2N(q, N));
              }),
            ),
          );
        }),
      );
      for (let c = 0; c < B; c++) {
        const b = lweWords[c * (n + 1) + n]!;
        // acc[part][limb]: (X^{−b}·TV, 0).
        let ref = [0, 1].map((part) =>
          primes.map((q, l) => {
            const tv = Array.from(tvWords.subarray((tables[c]! * L + l) * N, (tables[c]! * L + l + 1) * N), BigInt);
            return part === 0 ? rotate(tv, (2 * N - b) % (2 * N)).map((v) => mod(v, q)) : new Array<bigint>(N).fill(0n);
          }),
        );
        for (let i = 0; i < n; i++) {
          const a = lweWords[c * (n + 1) + i]!;
          const next = ref.map((limbs) => limbs.map((poly) => [...poly]));
          for (let part = 0; part < 2; part++) {
            for (let j = 0; j < L; j++) {
              const q = primes[j]!;
              const diff = rotate(ref[part]![j]!, a).map((v, x) => mod(v - ref[part]![j]![x]!, q));
              const ds = diff.map((v) => digitsOf(v, q, logBase, digits));
              for (let t = 0; t < digits; t++) {
                const row = (part * L + j) * digits + t;
                const digitPoly = ds.map((d) => d[t]!);
                for (let outPart = 0; outPart < 2; outPart++) {
                  primes.forEach((ql, l) => {
                    const k = keyPolys[i]![row]![outPart]![l]!;
                    const sum = next[outPart]![l]!;
                    digitPoly.forEach((d, y) => {
                      if (d === 0n) return;
                      for (let x = 0; x < N; x++) {
                        const e = x + y;
                        if (e < N) sum[e] = sum[e]! + d * k[x]!;
                        else sum[e - N] = sum[e - N]! - d * k[x]!;
                      }
                    });
                    next[outPart]![l] = sum.map((v) => mod(v, ql));
                  });
                }
              }
            }
          }
          ref = next;
        }
        for (let part = 0; part < 2; part++) {
          primes.forEach((_, l) => {
            const at = ((c * 2 + part) * L + l) * N;
            expect(Array.from(got.subarray(at, at + N))).toEqual(ref[part]![l]!.map(Number));
          });
        }
        primes.forEach((q, l) => {
          const at = (c * L + l) * (N + 1);
          const c1 = ref[1]![l]!;
          const want = [...c1.map((_, j) => Number(j === 0 ? c1[0]! : mod(-c1[N - j]!, q))), Number(ref[0]![l]![0]!)];
          expect(Array.from(gotLwe.subarray(at, at + N + 1))).toEqual(want);
        });
      }
    } finally {
      for (const x of [acc, extracted, ...key.steps, sk]) x.dispose();
    }
  });
});

describe('G3: BGV → LWE → PBS → BGV', () => {
  // N = 512 keeps a 6-bit box 16 wide at modulus 2N (the 2N switch's noise has σ ≈ 0.9 for n = 16).
  const SMALL: BgvParameters = { ...GLYPH_HYBRID_PARAMETERS, n: 512, security: 'none' };
  const T = SMALL.plainModulus;
  const P = 5; // message bits of the PBS input; the window W = p + 1 = 6 bits of the coefficient
  let ctx: BgvContext;
  beforeAll(() => {
    ctx = new BgvContext(SMALL);
  });
  afterAll(() => ctx?.dispose());

  async function keyCoefficients(sk: SecretKey): Promise<Int32Array> {
    const limb = intt(ctx.ring, selectLimb(ctx.ring, sk.s, CIPHERTEXT_BASE), CIPHERTEXT_BASE);
    const q = ctx.params.ciphertextPrimes[0]!;
    const words = Int32Array.from((await limb.data()) as Uint32Array, (v) => (v > q / 2 ? v - q : v));
    limb.dispose();
    return words;
  }

  it('every 6-bit input through identity, signed, ReLU, ReLU′ and top-bit tables lands exactly; a wrong table and a wrong key fail', { timeout: 600_000 }, async () => {
    const rt = runtime();
    const sk = generateSecretKey(ctx);
    const pk = generatePublicKey(ctx, sk);
    const N = ctx.n;
    const tables: LookupTable[] = [lowDigitTable(P), signedTable(P), reluTable(P), reluDerivativeTable(P), topBitTable(P)];
    const inputs = 2 ** (P + 1);
    // Input u sits at coefficient u (the whole window [0, 64)); each is bootstrapped once per table.
    const u = Array.from({ length: inputs }, (_, i) => i);
    // Coefficients outside the window carry higher bits the window must ignore.
    const m = Array.from({ length: inputs }, (_, i) => i + 64 * ((i * 37) % 200) - 6400);
    const ct = encryptPublic(ctx, pk, encodeCoefficients(ctx, [m]));
    const z = await keyCoefficients(sk);
    const s = sampleBinary(16);
    // BGV → torus LWE under s: MSB at q_1, ×2^(T − W) to read the window, extract, switch to 2^32,
    // key switch z → s (the TFHE side reads b − <a, key>; our samples are b + <a, z>: key −z).
    const ks = { logBase: 2, digits: 8 };
    const ksk = tensor(generateLweKeySwitchKey(Int32Array.from(z, (v) => -v), s, ks.logBase, ks.digits, 2 ** -17), [N, ks.digits, 16 + 1], 'u32');
    const lweS = rt.tidy(() => {
      const msb = mulConstant(ctx.ring, switchToMsb(ctx, ct), BigInt(T / 2 ** (P + 1)), CIPHERTEXT_BASE);
      const extracted = reshape(sampleExtract(ctx.ring, msb, u, CIPHERTEXT_BASE), [inputs, N + 1]);
      return rt.keep(lweKeySwitch(modSwitchToTorus(extracted, ctx.params.ciphertextPrimes[0]!), ksk, ks.logBase, ks.digits));
    });
    const level = 2;
    const bootstrap = await generateBgvBootstrapKey(ctx, sk, s, { level, logBase: 8, digits: 4 });
    const packing = await generateBgvPackingKey(ctx, sk, z, { level, logBase: 8, digits: 4 });
    const tv = bgvTestPolynomials(ctx, level, P, tables.map((f) => Array.from({ length: 2 ** P }, (_, x) => f.at(x))));
    // One batch: input k·64 + u is u through table k, packed at coefficient k·64 + u.
    const batch = tables.length * inputs;
    const lweWords = (await lweS.data()) as Uint32Array;
    const all = new Uint32Array(batch * 17);
    for (let k = 0; k < tables.length; k++) all.set(lweWords, k * inputs * 17);
    const lweAll = tensor(all, [batch, 17], 'u32');
    const positions = [Array.from({ length: batch }, (_, i) => i)];
    const tableOf = Array.from({ length: batch }, (_, i) => Math.floor(i / inputs));
    const centred = (v: number) => {
      const r = ((v % T) + T) % T;
      return r >= T / 2 ? r - T : r;
    };
    const want = Array.from({ length: batch }, (_, i) => centred(pbs(tables[tableOf[i]!]!, i % inputs)));
    try {
      const out = bootstrapToBgv(ctx, { bootstrap, packing }, lweAll, tv, positions, tableOf);
      expect(out.level).toBe(level);
      const got = Array.from((await decryptCoefficients(ctx, sk, out))[0]!);
      out.dispose();
      expect(got.slice(0, batch)).toEqual(want);
      expect(got.slice(batch).every((v) => v === 0)).toBe(true);

      // The controls rerun the identity inputs only (the first 64 of the batch).
      const identity = [u];
      // Control 1: one input through the wrong table (ReLU′ for identity's u = 7) must differ there.
      const wrongTable = new Array<number>(inputs).fill(0);
      wrongTable[7] = 3;
      const bad = bootstrapToBgv(ctx, { bootstrap, packing }, lweS, tv, identity, wrongTable);
      const badGot = Array.from((await decryptCoefficients(ctx, sk, bad))[0]!);
      bad.dispose();
      expect(badGot[7]).not.toBe(want[7]);
      expect(badGot.slice(0, inputs).filter((v, i) => v !== want[i]).length).toBe(1);

      // Control 2: a bootstrapping key for another LWE key: most outputs are wrong.
      const other = await generateBgvBootstrapKey(ctx, sk, sampleBinary(16), { level, logBase: 8, digits: 4 });
      const wrong = bootstrapToBgv(ctx, { bootstrap: other, packing }, lweS, tv, identity);
      const wrongGot = Array.from((await decryptCoefficients(ctx, sk, wrong))[0]!);
      wrong.dispose();
      for (const t of other.steps) t.dispose();
      expect(wrongGot.slice(0, inputs).filter((v, i) => v !== want[i]).length).toBeGreaterThan(inputs / 2);
    } finally {
      for (const x of [lweS, lweAll, ksk, tv, packing.key, ...bootstrap.steps, ct, pk, sk]) x.dispose();
    }
  });
});
