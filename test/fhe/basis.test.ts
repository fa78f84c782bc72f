// RNS basis kernels vs BigInt: row selection, lifting, digit decomposition, division by a
// dropped prime (both domains), and Galois automorphisms vs their coefficient definition.
import { beforeAll, describe, expect, it } from 'vitest';
import { centered, mod, modInverse } from '../../src/fhe/arith/bigint.js';
import { automorph } from '../../src/fhe/rns/automorph.js';
import { decompose, gatherBatch, leadingLimbs, liftCentered, liftSigned, modDown, selectLimb, selectParts } from '../../src/fhe/rns/basis.js';
import { RnsContext } from '../../src/fhe/rns/context.js';
import { intt, ntt } from '../../src/fhe/rns/ntt.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { SPEC_PRIMES, SPEC_T, randomResidues } from './reference.js';

beforeAll(gpu);

const N = 32;
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const PRIMES = [...SPEC_PRIMES.slice(0, 5), SPEC_T];

function residues(ring: RnsContext, rows: number, k: number, base: number, seed: number): Uint32Array {
  const out = new Uint32Array(rows * ring.n);
  for (let r = 0; r < rows; r++) out.set(randomResidues(ring.n, ring.primes[base + (r % k)]!, seed + r), r * ring.n);
  return out;
}

describe('RNS basis kernels', () => {
  it('selects parts, limbs and leading limbs', async () => {
    const ring = new RnsContext(N, PRIMES);
    const data = residues(ring, 2 * 3 * 4, 4, 0, 1); // [2 cts, 3 parts, 4 limbs, N]
    const x = tensor(data, [2, 3, 4, N], 'u32');
    const rowsOf = (rows: number[]) => rows.flatMap((r) => Array.from(data.subarray(r * N, (r + 1) * N)));
    expect(Array.from(await selectParts(ring, x, 1, 2).data())).toEqual(rowsOf([4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]));
    expect(Array.from(await selectLimb(ring, x, 3).data())).toEqual(rowsOf([3, 7, 11, 15, 19, 23]));
    const two = leadingLimbs(ring, x, 2);
    expect(two.shape).toEqual([2, 3, 2, N]);
    expect(Array.from(await two.data())).toEqual(rowsOf([0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21]));
    const picked = gatherBatch(ring, x, [1, 1, 0]);
    expect(picked.shape).toEqual([3, 3, 4, N]);
    expect(Array.from(await picked.data())).toEqual([...rowsOf(range(12, 24)), ...rowsOf(range(12, 24)), ...rowsOf(range(0, 12))]);
    expect(() => gatherBatch(ring, x, [2])).toThrow(/index 2 is outside the batch of 2/);
    ring.dispose();
  });

  it('lifts signed integers and centered residues mod t to every limb', async () => {
    const ring = new RnsContext(N, PRIMES);
    const signed = Int32Array.from({ length: 3 * N }, (_, i) => (i % 5 === 0 ? -(2 ** 31) + i : ((i * 7919) % 41) - 20));
    const lifted = await liftSigned(ring, tensor(new Uint32Array(signed.buffer), [3, N], 'u32'), 1, 4).data();
    const mt = randomResidues(3 * N, SPEC_T, 9);
    mt.set([0, 1, SPEC_T - 1, (SPEC_T - 1) / 2, (SPEC_T + 1) / 2]);
    const liftedT = await liftCentered(ring, tensor(mt, [3, N], 'u32'), SPEC_T, 0, 5).data();
    for (let b = 0; b < 3; b++) {
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < 4; i++) {
          const q = BigInt(PRIMES[1 + i]!);
          expect(BigInt(lifted[(b * 4 + i) * N + j]!)).toBe(mod(BigInt(signed[b * N + j]!), q));
        }
        for (let i = 0; i < 5; i++) {
          const q = BigInt(PRIMES[i]!);
          expect(BigInt(liftedT[(b * 5 + i) * N + j]!)).toBe(mod(centered(BigInt(mt[b * N + j]!), BigInt(SPEC_T)), q));
        }
      }
    }
    ring.dispose();
  });

  it('decomposes every limb into the extended basis', async () => {
    const ring = new RnsContext(N, [12289, ...PRIMES]); // a small prime in the basis too
    const c = residues(ring, 2 * 3, 3, 1, 4); // [2, 3 limbs over primes 1..3, N]
    const d = await decompose(ring, tensor(c, [2, 3, N], 'u32'), 1, 0, 4).data(); // [2, 3, 4, N]
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 4; i++) {
          for (let col = 0; col < N; col++) {
            expect(d[((b * 3 + j) * 4 + i) * N + col]).toBe(c[(b * 3 + j) * N + col]! % ring.primes[i]!);
          }
        }
      }
    }
    ring.dispose();
  });

  for (const drop of ['first', 'last'] as const) {
    it(`divides by the ${drop} prime with t-aware rounding, bit-exact in both domains`, async () => {
      const ring = new RnsContext(N, PRIMES);
      const k = 4;
      const base = 1;
      const t = BigInt(SPEC_T);
      const x = residues(ring, 3 * k, k, base, 50); // [3, 4, N] over primes 1..4
      const out = await modDown(ring, tensor(x, [3, k, N], 'u32'), base, drop, t, false).data();
      const fromNtt = await intt(ring, modDown(ring, ntt(ring, tensor(x, [3, k, N], 'u32'), base), base, drop, t, true), drop === 'first' ? base + 1 : base).data();
      expect(fromNtt).toEqual(out);
      const dropPos = drop === 'first' ? 0 : k - 1;
      const P = BigInt(PRIMES[base + dropPos]!);
      const kept = PRIMES.slice(base, base + k).filter((_, i) => i !== dropPos).map(BigInt);
      for (let b = 0; b < 3; b++) {
        for (let j = 0; j < N; j++) {
          const xp = BigInt(x[(b * k + dropPos) * N + j]!);
          const delta = t * centered(xp * modInverse(t, P), P);
          expect(mod(delta - xp, P)).toBe(0n);
          expect(mod(delta, t)).toBe(0n);
          kept.forEach((q, i) => {
            const xi = BigInt(x[(b * k + i + (i >= dropPos ? 1 : 0)) * N + j]!);
            expect(BigInt(out[(b * (k - 1) + i) * N + j]!)).toBe(mod((xi - delta) * modInverse(P, q), q));
          });
        }
      }
      ring.dispose();
    });
  }

  it('automorphisms in the NTT domain equal a(X) → a(X^g) on coefficients, for rotations and the row swap', async () => {
    const ring = new RnsContext(N, PRIMES);
    const base = 2;
    const k = 3;
    const a = residues(ring, 2 * k, k, base, 70);
    const fa = ntt(ring, tensor(a, [2, k, N], 'u32'), base);
    for (const g of [3, 9, 2 * N - 1, 5 ** 3 % (2 * N)]) {
      const got = await intt(ring, automorph(ring, fa, g), base).data();
      const want = new Uint32Array(a.length);
      for (let r = 0; r < 2 * k; r++) {
        const q = ring.primes[base + (r % k)]!;
        for (let i = 0; i < N; i++) {
          const e = (i * g) % (2 * N);
          const v = a[r * N + i]!;
          // X^e with e ≥ N is −X^(e−N).
          want[r * N + (e % N)] = e < N ? v : v === 0 ? 0 : q - v;
        }
      }
      expect(got).toEqual(want);
    }
    expect(() => automorph(ring, fa, 4)).toThrow(/must be odd/);
    ring.dispose();
  });
});
