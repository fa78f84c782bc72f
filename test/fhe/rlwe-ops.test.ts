// The RLWE ciphertext kernels against BigInt, on random residues (they act pointwise, so the
// domain does not matter): encryption, the decryption product, the ciphertext product,
// part-wise additions, public linear maps, key-switching inner products and gadget messages.
import { beforeAll, describe, expect, it } from 'vitest';
import { mod } from '../../src/fhe/arith/bigint.js';
import { toMontgomery } from '../../src/fhe/arith/u32.js';
import { RnsContext } from '../../src/fhe/rns/context.js';
import {
  addParts, decryptDot, encryptPublic, encryptSymmetric, gadgetMessages, keyInnerProduct, linearCombine, tensorProduct,
} from '../../src/fhe/rlwe/ops.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { SPEC_PRIMES, SPEC_T, randomResidues } from './reference.js';

beforeAll(gpu);

const N = 16;
const PRIMES = [SPEC_PRIMES[0]!, 12289, SPEC_PRIMES[1]!, 786433, SPEC_PRIMES[2]!];
const T = BigInt(SPEC_T);

/** Random residues for a [..., k, N] shape over primes [base, base+k), with BigInt accessors. */
function poly(ring: RnsContext, shape: number[], base: number, seed: number) {
  const k = shape[shape.length - 2]!;
  const rows = shape.reduce((p, d) => p * d, 1) / N;
  const words = new Uint32Array(rows * N);
  for (let r = 0; r < rows; r++) words.set(randomResidues(N, ring.primes[base + (r % k)]!, seed * 1000 + r), r * N);
  return { t: tensor(words, shape, 'u32'), words, at: (row: number, j: number) => BigInt(words[row * N + j]!) };
}

describe('RLWE kernels vs BigInt (N = 16, mixed 14- to 31-bit primes)', () => {
  it('encryptSymmetric = (m − a·s + t·e, a) and encryptPublic = (pk·u + t·e + m, ...)', async () => {
    const ring = new RnsContext(N, PRIMES);
    const base = 1;
    const k = 3;
    const B = 3;
    const a = poly(ring, [B, k, N], base, 1);
    const s = poly(ring, [5, N], 0, 2); // key over all primes, offset = base
    const e = poly(ring, [B, k, N], base, 3);
    const m = poly(ring, [B, k, N], base, 4);
    const sym = await encryptSymmetric(ring, { a: a.t, s: s.t, e: e.t, m: m.t }, base, base, T).data();
    const pk = poly(ring, [2, 4, N], base, 5); // pk over 4 limbs, used on the first 3
    const u = poly(ring, [B, k, N], base, 6);
    const e2 = poly(ring, [B, 2, k, N], base, 7);
    const pub = await encryptPublic(ring, { pk: pk.t, u: u.t, e: e2.t, m: m.t }, base, T).data();
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < k; i++) {
        const q = BigInt(ring.primes[base + i]!);
        for (let j = 0; j < N; j++) {
          const r = b * k + i;
          expect(BigInt(sym[((b * 2) * k + i) * N + j]!)).toBe(mod(m.at(r, j) - a.at(r, j) * s.at(base + i, j) + T * e.at(r, j), q));
          expect(BigInt(sym[((b * 2 + 1) * k + i) * N + j]!)).toBe(a.at(r, j));
          for (let p = 0; p < 2; p++) {
            const want = pk.at(p * 4 + i, j) * u.at(r, j) + T * e2.at((b * 2 + p) * k + i, j) + (p === 0 ? m.at(r, j) : 0n);
            expect(BigInt(pub[((b * 2 + p) * k + i) * N + j]!)).toBe(mod(want, q));
          }
        }
      }
    }
    ring.dispose();
  });

  it('decryptDot, tensorProduct and addParts', async () => {
    const ring = new RnsContext(N, PRIMES);
    const base = 1;
    const k = 3;
    const B = 3;
    const c3 = poly(ring, [B, 3, k, N], base, 11);
    const s = poly(ring, [5, N], 0, 12);
    const s2 = poly(ring, [5, N], 0, 13);
    const dot = await decryptDot(ring, c3.t, s.t, s2.t, base, base).data();
    const a = poly(ring, [B, 2, k, N], base, 14);
    const b = poly(ring, [B, 2, k, N], base, 15);
    const prod = await tensorProduct(ring, a.t, b.t, base).data();
    const summed = await addParts(ring, c3.t, a.t, 2, base).data();
    const shared = poly(ring, [1, 1, k, N], base, 16);
    const plus = await addParts(ring, a.t, shared.t, 1, base).data();
    for (let ct = 0; ct < B; ct++) {
      for (let i = 0; i < k; i++) {
        const q = BigInt(ring.primes[base + i]!);
        const row = (p: number, parts: number) => (ct * parts + p) * k + i;
        for (let j = 0; j < N; j++) {
          const at = (p: number, parts: number) => row(p, parts) * N + j;
          expect(BigInt(dot[(ct * k + i) * N + j]!)).toBe(mod(c3.at(row(0, 3), j) + c3.at(row(1, 3), j) * s.at(base + i, j) + c3.at(row(2, 3), j) * s2.at(base + i, j), q));
          const [a0, a1, b0, b1] = [a.at(row(0, 2), j), a.at(row(1, 2), j), b.at(row(0, 2), j), b.at(row(1, 2), j)];
          expect([0, 1, 2].map((p) => BigInt(prod[at(p, 3)]!))).toEqual([mod(a0 * b0, q), mod(a0 * b1 + a1 * b0, q), mod(a1 * b1, q)]);
          expect([0, 1, 2].map((p) => BigInt(summed[at(p, 3)]!))).toEqual([mod(c3.at(row(0, 3), j) + a0, q), mod(c3.at(row(1, 3), j) + a1, q), c3.at(row(2, 3), j)]);
          expect([0, 1].map((p) => BigInt(plus[at(p, 2)]!))).toEqual([mod(a0 + shared.at(i, j), q), a1]);
        }
      }
    }
    expect(() => tensorProduct(ring, c3.t, c3.t, base)).toThrow(/relinearize first/);
    ring.dispose();
  });

  it('linearCombine applies a signed integer matrix to a ciphertext batch', async () => {
    const ring = new RnsContext(N, PRIMES);
    const base = 0;
    const k = 4;
    const P = 5;
    const W = [[3, -7, 0, 1, -1], [-2, 2, 5, -6, 7], [0, 0, 0, 0, 1]];
    const x = poly(ring, [P, 2, k, N], base, 21);
    const words = new Uint32Array(W.length * P * k);
    W.forEach((row, f) => row.forEach((w, p) => {
      for (let i = 0; i < k; i++) {
        const q = ring.primes[base + i]!;
        words[(f * P + p) * k + i] = toMontgomery(Number(mod(BigInt(w), BigInt(q))), q);
      }
    }));
    const out = await linearCombine(ring, x.t, tensor(words, [W.length, P, k], 'u32'), base).data();
    W.forEach((row, f) => {
      for (let r = 0; r < 2 * k; r++) {
        const q = BigInt(ring.primes[base + (r % k)]!);
        for (let j = 0; j < N; j++) {
          const want = row.reduce((acc, w, p) => acc + BigInt(w) * x.at(p * 2 * k + r, j), 0n);
          expect(BigInt(out[(f * 2 * k + r) * N + j]!)).toBe(mod(want, q));
        }
      }
    });
    ring.dispose();
  });

  it('keyInnerProduct uses the first l digits and e limbs of a larger key; gadget messages sit in one limb each', async () => {
    const ring = new RnsContext(N, PRIMES);
    const [B, l, e, keyDigits, keyE] = [2, 3, 4, 4, 5];
    const d = poly(ring, [B, l, e, N], 0, 31);
    const key = poly(ring, [keyDigits, 2, keyE, N], 0, 32);
    const keyMont = new Uint32Array(key.words.length);
    key.words.forEach((v, idx) => (keyMont[idx] = toMontgomery(v, ring.primes[Math.floor(idx / N) % keyE]!)));
    const out = await keyInnerProduct(ring, d.t, tensor(keyMont, key.t.shape, 'u32'), 0).data();
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < 2; p++) {
        for (let i = 0; i < e; i++) {
          const q = BigInt(ring.primes[i]!);
          for (let j = 0; j < N; j++) {
            let want = 0n;
            for (let dg = 0; dg < l; dg++) want += d.at((b * l + dg) * e + i, j) * key.at((dg * 2 + p) * keyE + i, j);
            expect(BigInt(out[((b * 2 + p) * e + i) * N + j]!)).toBe(mod(want, q));
          }
        }
      }
    }
    const s = poly(ring, [5, N], 0, 33);
    const c = 123456789123n;
    const g = await gadgetMessages(ring, s.t, c, { base: 0, e: 4, digits: 3, digitOff: 1, sOff: 0 }).data();
    for (let dg = 0; dg < 3; dg++) {
      for (let i = 0; i < 4; i++) {
        const q = BigInt(ring.primes[i]!);
        for (let j = 0; j < N; j++) expect(BigInt(g[(dg * 4 + i) * N + j]!)).toBe(i === dg + 1 ? mod(c * s.at(i, j), q) : 0n);
      }
    }
    ring.dispose();
  });
});
