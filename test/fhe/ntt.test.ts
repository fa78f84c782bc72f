// T9 (GPU half): the WGSL NTT and residue kernels are bit-exact against BigInt and against
// the CPU u32 twin, for the spec primes, N ∈ {16, 1024, 8192} (and 16384 for the 3-pass
// path), odd limb counts and batches.
import { beforeAll, describe, expect, it } from 'vitest';
import { mod } from '../../src/fhe/arith/bigint.js';
import { nttForward } from '../../src/fhe/arith/ntt-cpu.js';
import { RnsContext } from '../../src/fhe/rns/context.js';
import { intt, ntt } from '../../src/fhe/rns/ntt.js';
import { mulConstant, negate, polyAdd, polyBinary, polyMul, polySub, toMontgomery } from '../../src/fhe/rns/poly.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';
import { SPEC_PRIMES, SPEC_T, negacyclicProduct, nttBigint, randomResidues } from './reference.js';

beforeAll(gpu);

/** Random residues for rows × N, row r modulo primes[base + r % k]. */
function residues(ring: RnsContext, rows: number, k: number, base: number, seed: number): Uint32Array {
  const out = new Uint32Array(rows * ring.n);
  for (let r = 0; r < rows; r++) out.set(randomResidues(ring.n, ring.primes[base + (r % k)]!, seed + r), r * ring.n);
  return out;
}

function row(x: Uint32Array | Float32Array | Int32Array, r: number, n: number) {
  return Array.from(x.subarray(r * n, (r + 1) * n));
}

describe('GPU negacyclic NTT', () => {
  for (const n of [16, 1024, 8192]) {
    it(`N = ${n}: forward matches BigInt and the CPU twin, inverse restores the input (3 limbs × batch 2, base 1)`, async () => {
      const ring = new RnsContext(n, [...SPEC_PRIMES.slice(0, 4), SPEC_T]);
      const k = 3;
      const base = 1;
      const rows = 2 * k;
      const data = residues(ring, rows, k, base, n);
      const x = tensor(data, [2, k, n], 'u32');
      const fx = ntt(ring, x, base);
      const out = (await fx.data()) as Uint32Array;
      for (let r = 0; r < rows; r++) {
        const tb = ring.tables[base + (r % k)]!;
        const cpu = data.slice(r * n, (r + 1) * n);
        nttForward(cpu, tb);
        expect(row(out, r, n)).toEqual(Array.from(cpu));
        // BigInt on every row up to N = 1024, on one row at 8192 (it is the slow reference).
        if (n <= 1024 || r === 0) expect(row(out, r, n).map(BigInt)).toEqual(nttBigint(data.subarray(r * n, (r + 1) * n), tb.q, tb.psi));
      }
      expect(await intt(ring, fx, base).data()).toEqual(data);
      ring.dispose();
    });
  }

  it('N = 16384 (three passes, odd ping-pong) and the plaintext prime: round trip and BigInt', async () => {
    const n = 16384;
    const ring = new RnsContext(n, [2147352577]);
    const data = residues(ring, 1, 1, 0, 5);
    const fx = ntt(ring, tensor(data, [1, n], 'u32'), 0);
    const out = (await fx.data()) as Uint32Array;
    expect(Array.from(out, BigInt)).toEqual(nttBigint(data, ring.primes[0]!, ring.tables[0]!.psi));
    expect(await intt(ring, fx, 0).data()).toEqual(data);
    ring.dispose();
  });

  it('pointwise products of transforms are negacyclic convolutions (N = 32, 5 limbs)', async () => {
    const n = 32;
    const ring = new RnsContext(n, [12289, 40961, 786433, SPEC_PRIMES[2]!, SPEC_T]);
    const a = residues(ring, 5, 5, 0, 1);
    const b = residues(ring, 5, 5, 0, 2);
    const prod = intt(ring, polyMul(ring, ntt(ring, tensor(a, [5, n], 'u32'), 0), ntt(ring, tensor(b, [5, n], 'u32'), 0), 0), 0);
    const out = (await prod.data()) as Uint32Array;
    for (let r = 0; r < 5; r++) {
      expect(row(out, r, n).map(BigInt)).toEqual(negacyclicProduct(a.subarray(r * n, (r + 1) * n), b.subarray(r * n, (r + 1) * n), ring.primes[r]!));
    }
    ring.dispose();
  });

  it('rejects tensors that are not [..., k, N] residues over a range of the primes', () => {
    const ring = new RnsContext(16, [12289, 40961]);
    expect(() => ntt(ring, tensor(new Uint32Array(3 * 16), [3, 16], 'u32'), 0)).toThrow(/limbs \[0, 3\) are not a range/);
    expect(() => ntt(ring, tensor(new Uint32Array(2 * 8), [2, 8], 'u32'), 0)).toThrow(/N = 16/);
    expect(() => ntt(ring, tensor(new Float32Array(2 * 16), [2, 16]), 0)).toThrow(/must be u32/);
    ring.dispose();
  });
});

describe('GPU residue arithmetic (Montgomery and Shoup) vs BigInt', () => {
  it('add, sub, mul, Montgomery form, constants and negation on every spec prime, with broadcasting', async () => {
    const n = 16;
    const primes = [...SPEC_PRIMES, SPEC_T];
    const ring = new RnsContext(n, primes);
    const k = primes.length;
    const batch = 3;
    const aData = residues(ring, batch * k, k, 0, 21);
    // Edge values in the first row of every limb.
    for (let r = 0; r < batch * k; r++) aData.set([0, 1, primes[r % k]! - 1], r * n);
    const bData = residues(ring, k, k, 0, 22);
    const a = tensor(aData, [batch, k, n], 'u32');
    const b = tensor(bData, [k, n], 'u32');
    const shared = { mod: 1 };
    const c = -123456789012345n;
    const results = {
      add: await polyAdd(ring, a, b, 0, shared).data(),
      sub: await polySub(ring, a, b, 0, shared).data(),
      mul: await polyMul(ring, a, b, 0, shared).data(),
      mont: await polyBinary(ring, 'mulMontgomery', a, toMontgomery(ring, b, 0), 0, shared).data(),
      scaled: await mulConstant(ring, a, c, 0).data(),
      neg: await negate(ring, a, 0).data(),
    };
    for (let i = 0; i < aData.length; i++) {
      const r = Math.floor(i / n);
      const Q = BigInt(primes[r % k]!);
      const x = BigInt(aData[i]!);
      const y = BigInt(bData[(r % k) * n + (i % n)]!);
      expect(BigInt(results.add[i]!)).toBe((x + y) % Q);
      expect(BigInt(results.sub[i]!)).toBe(mod(x - y, Q));
      expect(BigInt(results.mul[i]!)).toBe((x * y) % Q);
      expect(BigInt(results.mont[i]!)).toBe((x * y) % Q);
      expect(BigInt(results.scaled[i]!)).toBe(mod(x * c, Q));
      expect(BigInt(results.neg[i]!)).toBe(mod(-x, Q));
    }
    ring.dispose();
  });

  it('row maps: per-ciphertext operands, key slices, and a clear error when b is too short', async () => {
    const n = 16;
    const ring = new RnsContext(n, [12289, 40961, 65537, 786433]);
    // a: [2 ciphertexts, 2 parts, 3 limbs (primes 1..3)], b: per ciphertext [2, 3, N].
    const a = residues(ring, 12, 3, 1, 31);
    const b = residues(ring, 6, 3, 1, 32);
    const out = await polyMul(ring, tensor(a, [2, 2, 3, n], 'u32'), tensor(b, [2, 3, n], 'u32'), 1, { div: 2 }).data();
    for (let r = 0; r < 12; r++) {
      const q = BigInt(ring.primes[1 + (r % 3)]!);
      const br = Math.floor(r / 6) * 3 + (r % 3);
      for (let j = 0; j < n; j++) expect(BigInt(out[r * n + j]!)).toBe((BigInt(a[r * n + j]!) * BigInt(b[br * n + j]!)) % q);
    }
    // A key over all 4 primes, sliced from offset 1 to meet limbs 1..3.
    const key = residues(ring, 4, 4, 0, 33);
    const sliced = await polyAdd(ring, tensor(a.subarray(0, 3 * n), [3, n], 'u32'), tensor(key, [4, n], 'u32'), 1, { mod: 1, off: 1 }).data();
    for (let i = 0; i < 3 * n; i++) {
      const q = BigInt(ring.primes[1 + Math.floor(i / n)]!);
      expect(BigInt(sliced[i]!)).toBe((BigInt(a[i]!) + BigInt(key[n + i]!)) % q);
    }
    expect(() => polyAdd(ring, tensor(a, [2, 2, 3, n], 'u32'), tensor(b.subarray(0, 3 * n), [3, n], 'u32'), 1)).toThrow(/needs 12/);
    ring.dispose();
  });
});
