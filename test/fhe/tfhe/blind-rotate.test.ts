// The blind-rotation kernels bit-exact against the CPU reference (src/fhe/tfhe/reference.ts):
// whole blind rotations of odd batches with several test polynomials (which covers the
// accumulator, the CMux decomposition, part 1's NTT / key inner product / add as used here),
// sample extraction of several coefficients, the two blind-rotation kernels alone on
// full-range random accumulators, and the RGSW key's decryption.
import { beforeAll, describe, expect, it } from 'vitest';
import { mod, modInverse } from '../../../src/fhe/arith/bigint.js';
import { nttInverse } from '../../../src/fhe/arith/ntt-cpu.js';
import { modSwitchWords } from '../../../src/fhe/lwe/cpu.js';
import { modSwitchFromTorus } from '../../../src/fhe/lwe/kernels.js';
import { blindRotate } from '../../../src/fhe/tfhe/blind-rotate.js';
import { accumulatorInit, cmuxDecompose, sampleExtract } from '../../../src/fhe/tfhe/kernels.js';
import { RnsContext } from '../../../src/fhe/rns/context.js';
import { TfheServerKey, encryptMessages, generateTfheSecretKey } from '../../../src/fhe/tfhe/pbs.js';
import { blindRotateCpu, gadgetDigitsCpu, rotateCpu, sampleExtractCpu } from '../../../src/fhe/tfhe/reference.js';
import { reluTable, shiftTable, testPolynomial, testPolynomials } from '../../../src/fhe/tfhe/test-polynomial.js';
import { tensor } from '../../../src/tensor/create.js';
import { gpu } from '../../setup.js';
import { randomResidues } from '../reference.js';
import { TINY } from './toy.js';

beforeAll(gpu);

describe('blind rotation kernels vs the CPU reference (N = 64, n = 9)', () => {
  it('gadget digits are balanced and recompose exactly; rotation is negacyclic', () => {
    const q = TINY.ringPrime;
    for (const v of [0, 1, q - 1, Math.floor(q / 2), Math.floor(q / 2) + 1, ...randomResidues(200, q, 3)]) {
      const d = gadgetDigitsCpu(v, q, 8, 4);
      d.slice(0, -1).forEach((x) => expect(x >= -128 && x < 128).toBe(true));
      expect(mod(BigInt(d.reduce((acc, x, t) => acc + x * 256 ** t, 0)), BigInt(q))).toBe(BigInt(v));
    }
    const P = randomResidues(8, q, 4);
    expect(Array.from(rotateCpu(rotateCpu(P, 3, q), 13, q))).toEqual(Array.from(P)); // X^16 = 1 mod X^8 + 1
    expect(Array.from(rotateCpu(P, 8, q))).toEqual(Array.from(P, (v) => (v ? q - v : 0)));
  });

  it('accumulatorInit and cmuxDecompose on full-range random inputs (B = 3 and 7, rotations 0, N, 2N − 1 included)', async () => {
    const N = 64;
    const q = TINY.ringPrime;
    const ring = new RnsContext(N, [q]);
    for (const B of [3, 7]) {
      const n = 5;
      const lwe = randomResidues(B * (n + 1), 2 * N, B);
      lwe.set([0, N, 2 * N - 1], 0);
      const acc = randomResidues(B * 2 * N, q, B + 1);
      acc.set([0, q - 1, (q - 1) / 2, (q + 1) / 2], 0);
      const tv = randomResidues(2 * N, q, B + 2);
      const tables = Uint32Array.from({ length: B }, (_, c) => c % 2);
      const init = await accumulatorInit(ring, tensor(lwe, [B, n + 1], 'u32'), tensor(tv, [2, N], 'u32'), tensor(tables, [B], 'u32'), 0).data();
      for (const step of [0, 1, 2]) {
        const digits = await cmuxDecompose(ring, tensor(acc, [B, 2, 1, N], 'u32'), tensor(lwe, [B, n + 1], 'u32'), { step, digits: 4, logBase: 8, base: 0 }).data();
        for (let c = 0; c < B; c++) {
          for (const part of [0, 1]) {
            const poly = acc.subarray((2 * c + part) * N, (2 * c + part + 1) * N);
            const diff = rotateCpu(poly, lwe[c * (n + 1) + step]!, q).map((v, x) => (v >= poly[x]! ? v - poly[x]! : v - poly[x]! + q));
            for (let t = 0; t < 4; t++) {
              const row = ((c * 2 + part) * 4 + t) * N;
              const want = Array.from(diff, (v) => mod(BigInt(gadgetDigitsCpu(v, q, 8, 4)[t]!), BigInt(q)));
              expect(Array.from(digits.subarray(row, row + N), BigInt)).toEqual(want);
            }
          }
        }
      }
      for (let c = 0; c < B; c++) {
        const want = rotateCpu(tv.subarray(tables[c]! * N, (tables[c]! + 1) * N), (2 * N - lwe[c * (n + 1) + n]!) % (2 * N), q);
        expect(Array.from(init.subarray(2 * c * N, (2 * c + 1) * N))).toEqual(Array.from(want));
        expect(Array.from(init.subarray((2 * c + 1) * N, (2 * c + 2) * N))).toEqual(new Array(N).fill(0));
      }
    }
    ring.dispose();
  });

  it('blindRotate (B = 5, three test polynomials) and sampleExtract equal the reference bit for bit', async () => {
    const sk = generateTfheSecretKey(TINY);
    const server = TfheServerKey.generate(sk);
    const B = 5;
    const ct = encryptMessages(sk, [0, 3, 5, 7, 2]);
    const tables = [reluTable(3), shiftTable(3, 1), Array.from({ length: 8 }, (_, m) => (m * 5 + 1) % 8)];
    const tv = testPolynomials(TINY, tables);
    const choice = [0, 1, 2, 1, 0];
    const lwe = tensor(ct, [B, TINY.lweDimension + 1], 'u32');
    const lwe2N = modSwitchFromTorus(lwe, 7);
    const acc = blindRotate(server, lwe2N, tv, choice);
    const got = await acc.data();
    const ks = [0, 5, 63];
    const extracted = await sampleExtract(server.ring, acc, 0, ks).data();
    const bsk = await Promise.all(server.bootstrapKey.map(async (k) => (await k.data()) as Uint32Array));
    const switched = modSwitchWords(ct, 'torus', 7);
    const N = TINY.ringDegree;
    for (let c = 0; c < B; c++) {
      const row = switched.subarray(c * (TINY.lweDimension + 1), (c + 1) * (TINY.lweDimension + 1));
      const [c0, c1] = blindRotateCpu(
        { tables: server.ring.tables[0]!, logBase: TINY.gadgetLogBase, digits: TINY.gadgetDigits, bootstrapKey: bsk },
        row,
        testPolynomial(TINY, tables[choice[c]!]!),
      );
      expect(Array.from(got.subarray(c * 2 * N, c * 2 * N + N))).toEqual(Array.from(c0));
      expect(Array.from(got.subarray(c * 2 * N + N, (c + 1) * 2 * N))).toEqual(Array.from(c1));
      ks.forEach((k, i) => {
        const at = (c * ks.length + i) * (N + 1);
        expect(Array.from(extracted.subarray(at, at + N + 1))).toEqual(Array.from(sampleExtractCpu(c0, c1, k, TINY.ringPrime)));
      });
    }
    server.dispose();
  });

  it('every RGSW row of the bootstrapping key decrypts to s_i·g_t (part 0) or s_i·g_t·z (part 1) plus a small error', async () => {
    const sk = generateTfheSecretKey(TINY);
    const server = TfheServerKey.generate(sk);
    const q = TINY.ringPrime;
    const Q = BigInt(q);
    const N = TINY.ringDegree;
    const tables = server.ring.tables[0]!;
    const Rinv = modInverse(1n << 32n, Q); // rows are in Montgomery form (·2^32)
    for (const i of [0, 4, 8]) {
      const words = (await server.bootstrapKey[i]!.data()) as Uint32Array;
      for (let row = 0; row < 2 * TINY.gadgetDigits; row++) {
        const part = row >= TINY.gadgetDigits ? 1 : 0;
        const t = row % TINY.gadgetDigits;
        const [c0, c1] = [0, 1].map((j) => {
          const w = Uint32Array.from(words.subarray((row * 2 + j) * N, (row * 2 + j + 1) * N), (v) => Number((BigInt(v) * Rinv) % Q));
          nttInverse(w, tables);
          return w;
        }) as [Uint32Array, Uint32Array];
        // phase = c0 + c1·z (negacyclic), then minus the expected message.
        const g = BigInt(2 ** (8 * t)) * BigInt(sk.lwe[i]!);
        for (let x = 0; x < N; x++) {
          let acc = BigInt(c0[x]!);
          for (let j = 0; j < N; j++) {
            const k = x - j;
            const term = BigInt(c1[k >= 0 ? k : k + N]!) * BigInt(sk.ring[j]!);
            acc += k >= 0 ? term : -term;
          }
          const want = part === 0 ? (x === 0 ? g : 0n) : g * BigInt(sk.ring[x]!);
          let e = mod(acc - want, Q);
          if (e > Q / 2n) e -= Q;
          expect(Math.abs(Number(e))).toBeLessThanOrEqual(19);
        }
      }
    }
    server.dispose();
  });
});
