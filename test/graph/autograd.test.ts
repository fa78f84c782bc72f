// Autograd's own arithmetic: the gradients that meet at a tensor are summed by the graph's
// accumulate kernel, and a leaf root is seeded with ones.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '../../src/graph/runtime.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

describe('autograd', () => {
  it('sums the gradients of a tensor used three times', async () => {
    const x = randomArray(33, 41);
    const leaf = tensor(x, [33]).trainable();
    sumAll(add(mul(leaf, leaf), leaf)).backward();
    expect(relError(await leaf.grad!.data(), Array.from(x, (v) => 2 * v + 1))).toBeLessThan(1e-6);
  });

  it('accumulates across backward() calls, from a leaf root too', async () => {
    const leaf = tensor([5], [1]).trainable();
    leaf.backward();
    expect(Array.from(await leaf.grad!.data())).toEqual([1]);
    leaf.backward();
    sumAll(mul(leaf, leaf)).backward();
    expect(Array.from(await leaf.grad!.data())).toEqual([12]);
  });

  it('names the fix when f16 gradients meet at one tensor', () => {
    if (!runtime().gpu.has('shader-f16')) return;
    const h = cast(tensor([1, 2], [2]).trainable(), 'f16');
    const twice = add(cast(h, 'f32'), cast(h, 'f32'));
    expect(() => sumAll(twice).backward()).toThrow(/summed in f32, got f16 and f16; cast that tensor to f32 before using it twice/);
  });
});
