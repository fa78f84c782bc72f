// The FP8 GEMM with chunked accumulation (shaders/gemm/fp8-chunked.wgsl) bit for bit against
// the CPU reference (src/precision/gemm-reference.ts), on odd shapes whose K spans several
// chunks and ends in a partial one, for every transpose, operand kind and accumulation option.
import { beforeAll, describe, expect, it } from 'vitest';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { lowpMatmul, exactProducts } from '../../src/kernels/precision/lowp-matmul.js';
import { encode } from '../../src/kernels/precision/quantize.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { philox4x32 } from '../../src/kernels/rng/philox.js';
import { PAPER_ACCUMULATION, type Accumulation } from '../../src/precision/accumulate.js';
import { BINARY16, FP16_169, FP8_E5M2 } from '../../src/precision/format.js';
import { chunkedGemm } from '../../src/precision/gemm-reference.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gpu, randomArray, relError } from '../setup.js';
import { rawWords, sameF32 } from './bits.js';

beforeAll(gpu);

interface Case {
  M: number;
  N: number;
  K: number;
  transposeA: boolean;
  transposeB: boolean;
  aFp8?: boolean;
  bFp8?: boolean;
  acc?: Accumulation;
  range?: number;
}

async function check(c: Case): Promise<void> {
  const { M, N, K, transposeA, transposeB, aFp8 = true, bFp8 = true, acc = PAPER_ACCUMULATION, range = 4 } = c;
  const av = randomArray(M * K, M + 7 * K, -range, range);
  const bv = randomArray(K * N, N + 11 * K, -range, range);
  const aShape = transposeA ? [K, M] : [M, K];
  const bShape = transposeB ? [N, K] : [K, N];
  const operand = (v: Float32Array, shape: number[], fp8: boolean): Tensor => {
    const t = tensor(v, shape);
    return fp8 ? encode(t, FP8_E5M2) : t;
  };
  const stream = 77;
  const out = lowpMatmul(operand(av, aShape, aFp8), operand(bv, bShape, bFp8), { transposeA, transposeB, accumulation: acc, seed: 5, stream });
  expect([...out.shape]).toEqual([M, N]);
  const got = await rawWords(out);
  const random = (add: number, o: number) => philox4x32([5, stream], [o, 0, Math.floor(add / 4), 0])[add % 4]!;
  const ref = chunkedGemm(
    { M, N, K },
    { values: av, format: aFp8 ? FP8_E5M2 : acc.format, transposed: transposeA },
    { values: bv, format: bFp8 ? FP8_E5M2 : acc.format, transposed: transposeB },
    acc,
    random,
  );
  for (let i = 0; i < M * N; i++) {
    if (!sameF32(got[i]!, ref[i]!)) {
      expect.fail(`${JSON.stringify({ ...c, acc: undefined })} chunk ${acc.chunk}: c[${Math.floor(i / N)}, ${i % N}] GPU ${new Float32Array(Uint32Array.of(got[i]!).buffer)[0]} vs ${ref[i]}`);
    }
  }
}

describe('FP8 GEMM, chunked FP16 (1,6,9) accumulation: bit-identical to the reference', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`op(a) = a${transposeA ? 'ᵀ' : ''}, op(b) = b${transposeB ? 'ᵀ' : ''}: K = 203 (3 chunks of 64 and 11); 64×64 tiles with CL = 16`, async () => {
        await check({ M: 37, N: 29, K: 203, transposeA, transposeB });
        await check({ M: 101, N: 99, K: 37, transposeA, transposeB, range: 60, acc: { ...PAPER_ACCUMULATION, chunk: 16 } });
      });
    }
  }

  it('chunk lengths: CL = K (no chunking), 16, 5 (not a divisor of the tile depth), 1', async () => {
    for (const chunk of [301, 16, 5, 1]) {
      await check({ M: 9, N: 13, K: 301, transposeA: false, transposeB: true, acc: { ...PAPER_ACCUMULATION, chunk }, range: 2 });
    }
  });

  it('f32 operands (rounded onto FP16 (1,6,9), products rounded): first and last layers', async () => {
    expect(exactProducts(FP16_169, FP8_E5M2, FP16_169)).toBe(false);
    await check({ M: 17, N: 11, K: 130, transposeA: false, transposeB: true, aFp8: false });
    await check({ M: 5, N: 33, K: 99, transposeA: true, transposeB: false, aFp8: false, bFp8: false });
  });

  it('binary16 accumulation: products rounded, overflow saturates at 65504, tiny products flush', async () => {
    expect(exactProducts(FP8_E5M2, FP8_E5M2, BINARY16)).toBe(false);
    const acc: Accumulation = { format: BINARY16, chunk: 64, mode: 'rne' };
    await check({ M: 7, N: 9, K: 150, transposeA: false, transposeB: false, acc, range: 400 });
    await check({ M: 7, N: 9, K: 150, transposeA: true, transposeB: true, acc, range: 0.01 });
  });

  it('stochastic accumulation draws the documented Philox words', async () => {
    await check({ M: 6, N: 5, K: 1000, transposeA: false, transposeB: false, acc: { ...PAPER_ACCUMULATION, chunk: 1000, mode: 'sr' }, range: 1 });
  });

  it('NaN operands propagate; exact products of FP8 in FP16 (1,6,9)', async () => {
    expect(exactProducts(FP8_E5M2, FP8_E5M2, FP16_169)).toBe(true);
    const a = tensor(Float32Array.of(1, NaN, 2, 3), [2, 2]);
    const out = await lowpMatmul(encode(a, FP8_E5M2), encode(tensor(Float32Array.of(1, 1, 1, 1), [2, 2]), FP8_E5M2)).data();
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[1]!)).toBe(true);
    expect([out[2], out[3]]).toEqual([5, 5]);
  });

  it('names bad inputs', () => {
    const a = tensor(randomArray(6, 1), [2, 3]);
    expect(() => lowpMatmul(a, a)).toThrow(/inner dimensions differ: a \[2,3\] has K=3 but b \[2,3\] has K=2/);
    expect(() => lowpMatmul(a, a, { transposeB: true, accumulation: { ...PAPER_ACCUMULATION, mode: 'sr' } })).toThrow(/needs a seed/);
    expect(() => lowpMatmul(a, a, { transposeB: true, accumulation: { ...PAPER_ACCUMULATION, chunk: 0 } })).toThrow(/chunk length 0/);
    expect(() => lowpMatmul(tensor(new Uint32Array(6), [2, 3], 'u32'), a, { transposeB: true })).toThrow(/dtype u32/);
  });
});

describe('the three training GEMMs through autograd', () => {
  // y = x wᵀ (forward), dx = g w (backward data), dw = gᵀ x (weight gradient); g is the output
  // gradient rounded to FP8, x and w the FP8 copies of f32 leaves (straight-through).
  it('forward, backward-data and weight-gradient GEMMs are the chunked reference on FP8 operands', async () => {
    const [B, I, O] = [23, 70, 19];
    const xv = randomArray(B * I, 1, -2, 2);
    const wv = randomArray(O * I, 2, -1, 1);
    const rv = randomArray(B * O, 3, -3, 3);
    const x = tensor(xv, [B, I]).trainable();
    const w = tensor(wv, [O, I]).trainable();
    const acc = { ...PAPER_ACCUMULATION, chunk: 16 };
    const y = lowpMatmul(encode(x, FP8_E5M2), encode(w, FP8_E5M2), { transposeB: true, accumulation: acc });
    sumAll(mul(y, tensor(rv, [B, O]))).backward();
    const fp8 = (v: Float32Array, transposed: boolean) => ({ values: v, format: FP8_E5M2, transposed });
    const refY = chunkedGemm({ M: B, N: O, K: I }, fp8(xv, false), fp8(wv, true), acc);
    const refDx = chunkedGemm({ M: B, N: I, K: O }, fp8(rv, false), fp8(wv, false), acc);
    const refDw = chunkedGemm({ M: O, N: I, K: B }, fp8(rv, true), fp8(xv, false), acc);
    expect([...(await y.data())]).toEqual([...refY]);
    expect([...(await x.grad!.data())]).toEqual([...refDx]);
    expect([...(await w.grad!.data())]).toEqual([...refDw]);
    // And they approximate the exact gradient: FP8 inputs carry up to 12.5% error each.
    const exactDx = new Float64Array(B * I);
    for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) exactDx[b * I + i]! += rv[b * O + o]! * wv[o * I + i]!;
    expect(relError(await x.grad!.data(), exactDx)).toBeLessThan(0.15);
  });

  it('gradients in the accumulation format for first/last layers', async () => {
    const [B, I, O] = [5, 9, 3];
    const xv = randomArray(B * I, 4, -2, 2);
    const wv = randomArray(O * I, 5, -1, 1);
    const rv = randomArray(B * O, 6, -3, 3);
    const w = tensor(wv, [O, I]).trainable();
    const y = lowpMatmul(tensor(xv, [B, I]), w, { transposeB: true, gradient: 'accumulation' });
    sumAll(mul(y, tensor(rv, [B, O]))).backward();
    const f16 = (v: Float32Array, transposed: boolean) => ({ values: v, format: FP16_169, transposed });
    const refDw = chunkedGemm({ M: O, N: I, K: B }, f16(rv, true), f16(xv, false), PAPER_ACCUMULATION);
    expect([...(await w.grad!.data())]).toEqual([...refDw]);
  });
});
