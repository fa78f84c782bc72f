import { beforeAll, describe, expect, it } from 'vitest';
import { maxPoolGradRef, outSizeRef, poolRef, type Shape4 } from '../../src/kernels/conv/reference.js';
import { resolveWindow, type WindowOptions } from '../../src/kernels/conv/window.js';
import { avgPool2d, maxPool2d } from '../../src/kernels/pool/pool2d.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// Max pooling copies values (exact); average pooling sums at most 25 f32 values and divides:
// bound 1e-6 relative for both, forward and backward.
const F32_POOL = 1e-6;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Distinct values spaced 2/n apart in random order: no two window entries come within a
 *  finite-difference step of each other, so the argmax is stable under gradcheck. */
function distinctValues(n: number, seed: number): Float32Array {
  const keys = randomArray(n, seed);
  const order = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]!);
  const out = new Float32Array(n);
  order.forEach((i, rank) => (out[i] = -1 + (2 * rank) / n));
  return out;
}

const CASES: [Shape4, WindowOptions][] = [
  [[2, 3, 7, 7], { kernel: 3 }],
  [[2, 3, 9, 9], { kernel: 3, stride: 2, padding: 1 }],
  [[2, 3, 9, 7], { kernel: 5, stride: 1, padding: 2 }],
  [[1, 2, 7, 9], { kernel: [3, 5], stride: [2, 1], padding: [1, 2] }],
];

const POOLS: ['max' | 'avg', (x: Tensor, o: WindowOptions) => Tensor][] = [
  ['max', maxPool2d],
  ['avg', avgPool2d],
];

describe('pooling', () => {
  for (const [kind, pool] of POOLS) {
    for (const [shape, opts] of CASES) {
      it(`${kind}Pool2d matches float64 on ${JSON.stringify(shape)} ${JSON.stringify(opts)}`, async () => {
        const win = resolveWindow('test', opts, null);
        const x = distinctValues(size(shape), 1);
        const out = pool(tensor(x, shape), opts);
        expect([...out.shape]).toEqual([shape[0], shape[1], ...outSizeRef(shape, win)]);
        expect(relError(await out.data(), poolRef(kind, x, shape, win))).toBeLessThan(F32_POOL);
      });
    }

    it(`${kind}Pool2d gradient matches finite differences (overlapping windows, padding)`, async () => {
      const shape = [2, 3, 7, 7];
      for (const opts of [{ kernel: 3, stride: 2, padding: 1 }, { kernel: 5, stride: 1, padding: 2 }]) {
        await gradcheck(([x]) => pool(x!, opts), [{ data: distinctValues(size(shape), 2), shape }], { eps: 1e-3, samples: 16 });
      }
    });
  }

  it('maxPool2d backward routes each window’s gradient to its first maximum, ties included', async () => {
    const shape: Shape4 = [1, 2, 7, 7];
    const opts = { kernel: 3, stride: 2, padding: 1 };
    const win = resolveWindow('test', opts, null);
    // Values from a 3-level set: windows hold many ties.
    const x = randomArray(size(shape), 3).map((v) => Math.round(v * 1.4) / 2);
    const xt = tensor(x, shape).trainable();
    const out = maxPool2d(xt, opts);
    const g = randomArray(out.numel, 4, 0.5, 1.5);
    out.backward(tensor(g, [...out.shape]));
    expect(relError(await xt.grad!.data(), maxPoolGradRef(x, shape, win, g))).toBeLessThan(F32_POOL);
  });

  it('avgPool2d divides by the real pixels of windows that overlap the padding (count_include_pad = false)', async () => {
    // A 3x3 window at the corner of a padded 2x2 ones image covers 4 real pixels: mean 1, not 4/9.
    const out = await avgPool2d(tensor([1, 1, 1, 1], [1, 1, 2, 2]), { kernel: 3, stride: 1, padding: 1 }).data();
    expect([...out]).toEqual([1, 1, 1, 1]);
  });

  it('rejects bad windows and shapes with messages that say what to do', () => {
    const x = tensor(randomArray(2 * 3 * 4 * 4, 5), [2, 3, 4, 4]);
    expect(() => maxPool2d(x, { kernel: 7 })).toThrow(/kernel \[7,7\] is larger than the padded input \[4,4\]/);
    expect(() => avgPool2d(x, { kernel: 3, padding: 2 })).toThrow(/padding \[2,2\] must be at most half the kernel \[3,3\]/);
    expect(() => maxPool2d(tensor(randomArray(48, 5), [3, 4, 4]), { kernel: 2 })).toThrow(/must be 4-D \[N, C, H, W\], got \[3,4,4\]/);
    expect(() => avgPool2d(x, { kernel: [2, 2.5] as never })).toThrow(/kernel \[2,2.5\] must be an integer/);
  });
});
