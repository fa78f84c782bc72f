// T9 (CPU half): the u32-only primitives and the CPU NTT are bit-exact against BigInt for
// every prime we use, on random inputs and the edge values 0, 1, q−1 (and 2^32−1 for mulhi).
import { describe, expect, it } from 'vitest';
import { mod, modInverse } from '../../src/fhe/arith/bigint.js';
import { nttForward, nttInverse } from '../../src/fhe/arith/ntt-cpu.js';
import { nttTables } from '../../src/fhe/arith/ntt-tables.js';
import {
  addMod, montMul, montgomeryNegInverse, mulhi, shoupCompanion, shoupMul, subMod, toMontgomery,
} from '../../src/fhe/arith/u32.js';
import { SPEC_PRIMES, SPEC_T, negacyclicProduct, nttBigint, nttByDefinition, randomResidues } from './reference.js';

const SMALL_PRIMES = [12289, 40961, 65537, 786433, 7340033, 998244353, 2013265921];
const ALL_PRIMES = [...SMALL_PRIMES, ...SPEC_PRIMES, SPEC_T];

function edgeAndRandom(q: number, count: number, seed: number): number[] {
  return [0, 1, 2, q - 2, q - 1, ...randomResidues(count, q, seed)];
}

describe('u32 modular primitives vs BigInt', () => {
  it('mulhi is the high word of the 64-bit product, including 2^32−1', () => {
    const vals = [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, ...randomResidues(300, 2 ** 32, 7)];
    for (const a of vals) {
      for (const b of vals.slice(0, 40)) {
        expect(mulhi(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
      }
    }
  });

  for (const q of ALL_PRIMES) {
    it(`q = ${q}: add, sub, Montgomery and Shoup products are exact`, () => {
      const Q = BigInt(q);
      const qinv = montgomeryNegInverse(q);
      expect(mod(BigInt(qinv) * Q + 1n, 1n << 32n)).toBe(0n);
      const rInv = modInverse(1n << 32n, Q);
      const xs = edgeAndRandom(q, 60, q);
      const ys = edgeAndRandom(q, 60, q + 1);
      for (let i = 0; i < xs.length; i++) {
        for (const y of [ys[i]!, ys[(i * 7) % ys.length]!]) {
          const x = xs[i]!;
          const X = BigInt(x);
          const Y = BigInt(y);
          expect(addMod(x, y, q)).toBe(Number((X + Y) % Q));
          expect(subMod(x, y, q)).toBe(Number(mod(X - Y, Q)));
          expect(montMul(x, y, q, qinv)).toBe(Number((X * Y * rInv) % Q));
          expect(montMul(x, toMontgomery(y, q), q, qinv)).toBe(Number((X * Y) % Q));
          expect(shoupMul(x, y, shoupCompanion(y, q), q)).toBe(Number((X * Y) % Q));
        }
      }
      // Shoup accepts any u32 as the variable operand.
      for (const x of [0xffffffff, 0x80000000, ...randomResidues(30, 2 ** 32, 3)]) {
        const w = xs[5]!;
        expect(shoupMul(x, w, shoupCompanion(w, q), q)).toBe(Number((BigInt(x) * BigInt(w)) % Q));
      }
    });
  }

  it('rejects moduli the u32 arguments do not cover', () => {
    expect(() => montgomeryNegInverse(4293918721)).toThrow(/\[3, 2\^31\)/);
    expect(() => montgomeryNegInverse(12288)).toThrow(/odd integer/);
  });
});

describe('CPU NTT (u32) vs BigInt', () => {
  it('matches the definition a(ψ^(2·bitrev(i)+1)) at N = 16 and 64 for every prime', () => {
    for (const n of [16, 64]) {
      for (const q of ALL_PRIMES) {
        const tb = nttTables(q, n);
        const a = randomResidues(n, q, n + q);
        const x = a.slice();
        nttForward(x, tb);
        expect(Array.from(x, BigInt)).toEqual(nttByDefinition(a, q, tb.psi));
        nttInverse(x, tb);
        expect(x).toEqual(a);
      }
    }
  });

  it('matches BigInt butterflies at N = 1024 and 8192 for the spec primes', () => {
    for (const n of [1024, 8192]) {
      for (const q of n === 8192 ? [SPEC_PRIMES[0]!, SPEC_T] : [...SPEC_PRIMES, SPEC_T]) {
        const tb = nttTables(q, n);
        const a = randomResidues(n, q, 3 * n + q);
        const x = a.slice();
        nttForward(x, tb);
        expect(Array.from(x, BigInt)).toEqual(nttBigint(a, q, tb.psi));
        nttInverse(x, tb);
        expect(x).toEqual(a);
      }
    }
  });

  it('pointwise products of transforms are negacyclic convolutions (N = 32)', () => {
    const n = 32;
    for (const q of [12289, SPEC_PRIMES[3]!]) {
      const tb = nttTables(q, n);
      const a = randomResidues(n, q, 11);
      const b = randomResidues(n, q, 12);
      const fa = a.slice();
      const fb = b.slice();
      nttForward(fa, tb);
      nttForward(fb, tb);
      const prod = fa.map((v, i) => Number((BigInt(v) * BigInt(fb[i]!)) % BigInt(q)));
      nttInverse(prod, tb);
      expect(Array.from(prod, BigInt)).toEqual(negacyclicProduct(a, b, q));
    }
  });

  it('refuses a prime without a 2N-th root of unity, naming the condition', () => {
    expect(() => nttTables(12289, 8192)).toThrow(/not ≡ 1 \(mod 2N = 16384\)/);
  });
});
