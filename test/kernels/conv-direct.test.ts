import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dDirect, convBiasGrad, convInputGrad, convWeightGrad, type ConvAttrs } from '../../src/kernels/conv/direct.js';
import { conv2dGradsRef, conv2dRef, outSizeRef, type Shape4 } from '../../src/kernels/conv/reference.js';
import { planSplits } from '../../src/kernels/conv/split-k.js';
import { resolveWindow, type WindowOptions } from '../../src/kernels/conv/window.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// f32 sums of at most a few thousand products of values in [-1, 1): 1e-5 relative.
const F32_CONV = 1e-5;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

// Odd sizes; channel counts that are not multiples of the kernels' 4- and 8-wide blocks (below
// 4, between 4 and 8, past 8); strides and paddings per axis; a kernel tap that only ever lands
// in the padding (the [3,5] kernel at stride 2 on a 2-wide image); one (n, oh) row in all (a
// single split-K chunk, written straight to the output) and enough rows for chunks of two rows
// with a shorter last one. conv.test.ts checks conv2d's gradients on this path against finite
// differences.
const CASES: [Shape4, number, WindowOptions][] = [
  [[2, 3, 7, 7], 5, { kernel: 3 }],
  [[2, 11, 9, 9], 6, { kernel: 3, stride: 2, padding: 1 }],
  [[2, 3, 7, 9], 7, { kernel: [3, 5], stride: [2, 1], padding: [1, 2] }],
  [[3, 5, 3, 2], 6, { kernel: [3, 5], stride: [1, 2], padding: [1, 2] }],
  [[1, 3, 3, 5], 13, { kernel: 3 }],
  [[1, 1, 6, 11], 2, { kernel: [1, 3], stride: [3, 2] }],
  [[3, 5, 161, 9], 6, { kernel: 3, stride: [1, 2], padding: 1 }],
];

const label = (shape: Shape4, o: number, opts: WindowOptions) => `x ${JSON.stringify(shape)}, ${o} out channels, ${JSON.stringify(opts)}`;

function problem(shape: Shape4, o: number, opts: WindowOptions, seed: number) {
  const win = resolveWindow('test', opts, 1);
  const attrs: ConvAttrs = { win, image: shape, outChannels: o };
  const outShape = [shape[0], o, ...outSizeRef(shape, win)];
  const wShape = [o, shape[1], ...win.kernel];
  const x = randomArray(size(shape), seed);
  const w = randomArray(size(wShape), seed + 1);
  const b = randomArray(o, seed + 2);
  const g = randomArray(size(outShape), seed + 3);
  return { win, attrs, outShape, wShape, x, w, b, g, grads: conv2dGradsRef(x, shape, w, o, g, win) };
}

describe('direct convolution kernels against float64', () => {
  CASES.forEach(([shape, o, opts], k) => {
    it(`forward, input, weight and bias gradients: ${label(shape, o, opts)}`, async () => {
      const p = problem(shape, o, opts, 20 + 4 * k);
      const x = tensor(p.x, shape);
      const w = tensor(p.w, p.wShape);
      const g = tensor(p.g, p.outShape);
      const withBias = conv2dDirect(x, w, tensor(p.b, [o]), p.attrs);
      const noBias = conv2dDirect(x, w, undefined, p.attrs);
      expect([...withBias.shape]).toEqual(p.outShape);
      expect(relError(await withBias.data(), conv2dRef(p.x, shape, p.w, o, p.b, p.win))).toBeLessThan(F32_CONV);
      expect(relError(await noBias.data(), conv2dRef(p.x, shape, p.w, o, null, p.win))).toBeLessThan(F32_CONV);
      expect(relError(await convInputGrad(g, w, p.attrs).data(), p.grads.input)).toBeLessThan(F32_CONV);
      expect(relError(await convWeightGrad(g, x, p.attrs).data(), p.grads.weight)).toBeLessThan(F32_CONV);
      expect(relError(await convBiasGrad(g, p.attrs).data(), p.grads.bias)).toBeLessThan(F32_CONV);
    });
  });

  it('the cases above run split-K with one chunk, one row per chunk and a shorter last chunk', () => {
    // Threads per split of the weight gradient: ceil(C/4) · ceil(O/8) · kh · kw; rows N · OH.
    expect(planSplits(1, 1 * 2 * 9)).toEqual({ splits: 1, rowsPerSplit: 1 });
    expect(planSplits(2 * 5, 1 * 1 * 9)).toEqual({ splits: 10, rowsPerSplit: 1 });
    const long = planSplits(3 * 161, 2 * 1 * 9);
    expect(long.rowsPerSplit).toBe(2);
    expect(long.splits * long.rowsPerSplit).toBeGreaterThan(3 * 161);
  });
});

describe('direct convolution gradient ops against finite differences', () => {
  const shape: Shape4 = [2, 3, 7, 6];
  const opts = { kernel: 3, stride: 2, padding: 1 };

  it('the gradient ops themselves (gradients of gradients stay on the direct path)', async () => {
    const p = problem(shape, 5, opts, 50);
    const g = { data: p.g, shape: p.outShape };
    const w = { data: p.w, shape: p.wShape };
    const x = { data: p.x, shape: [...shape] };
    await gradcheck(([gt, wt]) => convInputGrad(gt!, wt!, p.attrs), [g, w], { samples: 12 });
    await gradcheck(([gt, xt]) => convWeightGrad(gt!, xt!, p.attrs), [g, x], { samples: 12 });
    await gradcheck(([gt]) => convBiasGrad(gt!, p.attrs), [g], { samples: 12 });
  });
});
