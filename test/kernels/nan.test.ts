// NaN in, NaN out (IEEE / PyTorch): relu, max and min (elementwise and reductions), max-pooling
// and argmax must not drop a NaN, which WGSL's max and min are allowed to, or a diverging run
// looks healthy. Values around the NaN stay exact.
import { beforeAll, describe, expect, it } from 'vitest';
import { maximum, minimum } from '../../src/kernels/elementwise/binary.js';
import { relu } from '../../src/kernels/elementwise/unary.js';
import { linear } from '../../src/kernels/gemm/linear.js';
import { argmax, countCorrect } from '../../src/kernels/loss/argmax.js';
import { residualMix } from '../../src/kernels/nn/residual-mix.js';
import { maxPool2d } from '../../src/kernels/pool/pool2d.js';
import { max, min } from '../../src/kernels/reduce/reduce.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

const values = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());

describe('NaN propagation', () => {
  it('relu passes NaN and keeps the other values', async () => {
    expect(await values(relu(tensor([NaN, -1, 2, -0.5, NaN], [5])))).toEqual([NaN, 0, 2, 0, NaN]);
  });

  it('the relu fused into a linear layer passes NaN', async () => {
    const x = randomArray(3 * 5, 1);
    x[5] = NaN; // row 1
    const w = randomArray(4 * 5, 2);
    const out = await values(linear(tensor(x, [3, 5]), tensor(w, [4, 5]), undefined, 'relu'));
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        const v = out[r * 4 + c]!;
        if (r === 1) expect(v).toBeNaN();
        else expect(v).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('the relu of a residual mix passes NaN', async () => {
    const out = await values(residualMix(tensor([NaN, -3, 1], [3]), tensor([1, 1, 1], [3]), tensor([1], [1]), { alpha: 1, beta: 1 }));
    expect(out).toEqual([NaN, 0, 2]);
  });

  it('maximum and minimum are NaN where either operand is', async () => {
    const a = tensor([NaN, 1, 5, 2], [4]);
    const b = tensor([3, NaN, 4, 7], [4]);
    expect(await values(maximum(a, b))).toEqual([NaN, NaN, 5, 7]);
    expect(await values(minimum(a, b))).toEqual([NaN, NaN, 4, 2]);
  });

  it('max and min reductions are NaN where the reduced values hold one, in one pass and in two', async () => {
    const x = tensor([1, NaN, 3, 9, 2, 4, 7, 0, -1, 5, 8, NaN], [3, 4]);
    expect(await values(max(x, 1))).toEqual([NaN, 7, NaN]);
    expect(await values(min(x, 1))).toEqual([NaN, 0, NaN]);
    expect(await values(max(x, 0))).toEqual([2, NaN, 8, NaN]);
    // A long axis with a single output reduces in two passes (partial maxima, then their max).
    const long = randomArray(5001, 3);
    for (const at of [0, 2500, 5000]) {
      const withNaN = Float32Array.from(long);
      withNaN[at] = NaN;
      expect((await values(max(tensor(withNaN, [1, 5001]), 1)))[0], `NaN at ${at}`).toBeNaN();
      expect((await values(min(tensor(withNaN, [1, 5001]), 1)))[0], `NaN at ${at}`).toBeNaN();
    }
    expect((await values(max(tensor(long, [1, 5001]), 1)))[0]).toBe(Math.max(...long));
  });

  it('max-pooling gives NaN for a window holding one, and its gradient goes there', async () => {
    // 4x4 plane, 2x2 windows: the NaN sits second in the first window, the others are finite.
    const plane = [1, NaN, 5, 6, 3, 2, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16];
    const x = tensor(plane, [1, 1, 4, 4]).trainable();
    const y = maxPool2d(x, { kernel: 2 });
    expect(await values(y)).toEqual([NaN, 8, 12, 16]);
    y.backward(tensor([1, 1, 1, 1], [1, 1, 2, 2]));
    const grad = await values(x.grad!);
    expect(grad[1]).toBe(1);
    expect(grad[0]).toBe(0);
  });

  it('argmax picks the first NaN of a row, and countCorrect counts by it', async () => {
    const x = tensor([1, NaN, 5, NaN, 4, 2, 0, 3, 9], [3, 3]);
    expect(await values(argmax(x))).toEqual([1, 0, 2]);
    expect(await values(countCorrect(x, tensor([1, 0, 2], [3], 'u32')))).toEqual([3]);
  });
});
