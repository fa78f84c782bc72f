// The block-scaled FP8 GEMM (shaders/precision/block-scaled-gemm.wgsl with block-exponent.wgsl)
// bit for bit against its CPU reference (src/precision/block-scaled.ts), outputs poisoned (NaN
// until written): odd shapes whose K ends in a partial 128-block, every transpose, tile and
// column blocks for b, both FP8 formats, blocks of very different magnitudes, zero blocks, NaN
// and ±∞; and the three training GEMMs of a linear layer through autograd.
import { beforeAll, describe, expect, it } from 'vitest';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { blockScaledMatmul } from '../../src/kernels/precision/block-scaled-matmul.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import {
  ACCUMULATOR, blockExponents, blockOfA, blockScaledGemm, quantizeScaled, scaleExponent, type BlockOperand,
} from '../../src/precision/block-scaled.js';
import { FP8_E4M3, FP8_E5M2, type FloatFormat } from '../../src/precision/format.js';
import { onGrid } from '../../src/precision/round.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';
import { rawWords, sameF32 } from './bits.js';

beforeAll(gpu);

interface Case {
  M: number;
  N: number;
  K: number;
  transposeA: boolean;
  transposeB: boolean;
  tileB?: boolean;
  formatA?: FloatFormat;
  formatB?: FloatFormat;
  /** Stored values; random in ±range (times a per-row magnitude when `spread`) when absent. */
  a?: Float32Array;
  b?: Float32Array;
  range?: number;
}

/** Values whose magnitude changes by 2^±20 from stored row to stored row: only per-block scales keep them. */
function spreadValues(rows: number, cols: number, seed: number, range: number): Float32Array {
  const v = randomArray(rows * cols, seed, -range, range);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) v[r * cols + c]! *= 2 ** (((r * 7) % 41) - 20);
  return v;
}

async function check(c: Case): Promise<void> {
  const { M, N, K, transposeA, transposeB, tileB = true, formatA = FP8_E4M3, formatB = FP8_E4M3, range = 3 } = c;
  const aShape = transposeA ? [K, M] : [M, K];
  const bShape = transposeB ? [N, K] : [K, N];
  const av = c.a ?? spreadValues(aShape[0]!, aShape[1]!, M + 7 * K, range);
  const bv = c.b ?? spreadValues(bShape[0]!, bShape[1]!, N + 11 * K, range);
  const out = blockScaledMatmul(tensor(av, aShape), tensor(bv, bShape), { transposeA, transposeB, tileB, formatA, formatB });
  expect([...out.shape]).toEqual([M, N]);
  const got = await rawWords(out);
  const operand = (values: Float32Array, format: FloatFormat, transposed: boolean): BlockOperand => ({ values, format, transposed });
  const ref = blockScaledGemm({ M, N, K }, operand(av, formatA, transposeA), operand(bv, formatB, transposeB), tileB);
  for (let i = 0; i < M * N; i++) {
    if (!sameF32(got[i]!, ref[i]!)) {
      const gpuValue = new Float32Array(Uint32Array.of(got[i]!).buffer)[0];
      expect.fail(`${JSON.stringify({ M, N, K, transposeA, transposeB, tileB, a: formatA.name, b: formatB.name })}: c[${Math.floor(i / N)}, ${i % N}] GPU ${gpuValue} vs ${ref[i]}`);
    }
  }
}

describe('block scales and quantisation (CPU reference)', () => {
  it('the scale exponent is the smallest that fits the block max within the format, a power of two', () => {
    expect(scaleExponent(448, FP8_E4M3)).toBe(0);
    expect(scaleExponent(449, FP8_E4M3)).toBe(1);
    expect(scaleExponent(1, FP8_E4M3)).toBe(-8); // 1 · 2^8 = 256 <= 448 < 512
    expect(scaleExponent(1.75, FP8_E4M3)).toBe(-8); // 448 exactly
    expect(scaleExponent(1.76, FP8_E4M3)).toBe(-7);
    expect(scaleExponent(57344, FP8_E5M2)).toBe(0);
    expect(scaleExponent(0, FP8_E4M3)).toBe(0);
    expect(scaleExponent(2 ** -149, FP8_E4M3)).toBe(-126); // clamped
    expect(scaleExponent(3e38, FP8_E4M3)).toBe(120); // 3e38 · 2^-119 = 451 > 448
    for (const x of randomArray(200, 9, -1e6, 1e6)) {
      const e = scaleExponent(Math.abs(x), FP8_E4M3);
      expect(Math.abs(x) * 2 ** -e).toBeLessThanOrEqual(448);
      expect(Math.abs(x) * 2 ** -(e - 1)).toBeGreaterThan(448);
    }
  });

  it('blocks ignore NaN and ±∞ for the max; quantised values lie on the FP8 grid', () => {
    const exps = blockExponents(Float32Array.of(1, NaN, Infinity, 2, -900, 3), 2, 3, { rows: 1, cols: 2 }, FP8_E4M3);
    expect([...exps]).toEqual([-8, 0, 2, -7]); // [1, NaN], [∞]: no finite value, [2, -900], [3]
    expect(blockOfA(false)).toEqual({ rows: 1, cols: 128 });
    for (const x of randomArray(500, 3, -500, 500)) expect(onGrid(quantizeScaled(x, 1, FP8_E4M3), FP8_E4M3)).toBe(true);
    expect(quantizeScaled(1e9, 0, FP8_E4M3)).toBe(448); // saturates
    expect(ACCUMULATOR.manBits + 1).toBe(14);
  });

  it('per-block scales keep blocks 2^40 apart that one FP8 scale could not', () => {
    const K = 256;
    const a = Float32Array.from({ length: K }, (_, k) => (k < 128 ? 2 ** 20 : 2 ** -20) * (1 + (k % 3) / 4));
    const b = new Float32Array(K).fill(1);
    const got = blockScaledGemm({ M: 1, N: 1, K }, { values: a, format: FP8_E4M3, transposed: false }, { values: b, format: FP8_E4M3, transposed: false }, false)[0]!;
    const exact = a.reduce((s, x) => s + x, 0);
    expect(Math.abs(got / exact - 1)).toBeLessThan(1e-3);
  });
});

describe('block-scaled FP8 GEMM: bit-identical to the reference, outputs poisoned', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      for (const tileB of [true, false]) {
        it(`op(a) = a${transposeA ? 'ᵀ' : ''}, op(b) = b${transposeB ? 'ᵀ' : ''}, b in ${tileB ? '128×128 tiles' : '128×1 columns'}: K = 301 (two 128-blocks and 45); small and 64×64 tiles`, async () => {
          await check({ M: 37, N: 29, K: 301, transposeA, transposeB, tileB });
          await check({ M: 131, N: 133, K: 130, transposeA, transposeB, tileB, formatA: FP8_E5M2, range: 100 });
        });
      }
    }
  }

  it('E5M2 gradients times E4M3 operands, K below one block, K = 1', async () => {
    await check({ M: 19, N: 23, K: 77, transposeA: false, transposeB: false, formatA: FP8_E5M2 });
    await check({ M: 5, N: 7, K: 1, transposeA: true, transposeB: true, formatB: FP8_E5M2 });
  });

  it('zero blocks, NaN and ±∞ (NaN propagates; ∞ saturates to 448 times its block scale)', async () => {
    const M = 3;
    const N = 2;
    const K = 200;
    const a = randomArray(M * K, 21, -2, 2);
    a.fill(0, 0, 128); // row 0, first block all zero
    a[K + 5] = NaN; // row 1
    a[2 * K + 150] = Infinity; // row 2, second block
    const b = randomArray(K * N, 22, -1, 1);
    await check({ M, N, K, transposeA: false, transposeB: false, a, b });
    const out = await blockScaledMatmul(tensor(a, [M, K]), tensor(b, [K, N])).data();
    expect(Number.isNaN(out[2]!) && Number.isNaN(out[3]!)).toBe(true);
    expect(Number.isFinite(out[4]!) && Number.isFinite(out[0]!)).toBe(true);
  });

  it('names bad inputs', () => {
    const a = tensor(randomArray(6, 1), [2, 3]);
    expect(() => blockScaledMatmul(a, a)).toThrow(/inner dimensions differ: a \[2,3\] has K=3 but b \[2,3\] has K=2/);
    expect(() => blockScaledMatmul(tensor(new Uint32Array(6), [2, 3], 'u32'), a, { transposeB: true })).toThrow(/dtype u32/);
  });
});

describe('a linear layer\'s three GEMMs through autograd', () => {
  // y = x wᵀ: x E4M3 in 1×128 blocks along I, w E4M3 in 128×128 tiles. dx = g w: g E5M2 in 1×128
  // blocks along O. dw = gᵀ x, reduced over the batch: g E5M2 in 1×128 blocks and x E4M3 in
  // 128×1 columns, both along the batch.
  it('forward, backward-data and weight-gradient GEMMs are the reference on the documented blocks', async () => {
    const [B, I, O] = [150, 140, 133];
    const xv = randomArray(B * I, 1, -2, 2);
    const wv = randomArray(O * I, 2, -0.1, 0.1);
    const rv = randomArray(B * O, 3, -3e-3, 3e-3);
    const x = tensor(xv, [B, I]).trainable();
    const w = tensor(wv, [O, I]).trainable();
    const y = blockScaledMatmul(x, w, { transposeB: true });
    sumAll(mul(y, tensor(rv, [B, O]))).backward();
    const op = (v: Float32Array, format: FloatFormat, transposed: boolean) => ({ values: v, format, transposed });
    const refY = blockScaledGemm({ M: B, N: O, K: I }, op(xv, FP8_E4M3, false), op(wv, FP8_E4M3, true), true);
    const refDx = blockScaledGemm({ M: B, N: I, K: O }, op(rv, FP8_E5M2, false), op(wv, FP8_E4M3, false), true);
    const refDw = blockScaledGemm({ M: O, N: I, K: B }, op(rv, FP8_E5M2, true), op(xv, FP8_E4M3, false), false);
    expect([...(await y.data())]).toEqual([...refY]);
    expect([...(await x.grad!.data())]).toEqual([...refDx]);
    expect([...(await w.grad!.data())]).toEqual([...refDw]);
    // And they approximate the exact gradient (E5M2 carries up to 12.5% error per value).
    const exactDw = new Float64Array(O * I);
    for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) exactDw[o * I + i]! += rv[b * O + o]! * xv[b * I + i]!;
    expect(relError(await w.grad!.data(), exactDw)).toBeLessThan(0.1);
  });

  it('refuses a gradient through a transposed a', () => {
    const a = tensor(randomArray(6, 1), [3, 2]).trainable();
    const y = blockScaledMatmul(a, tensor(randomArray(6, 2), [3, 2]), { transposeA: true });
    expect(() => sumAll(y).backward()).toThrow(/no gradient through a transposed a/);
  });
});
