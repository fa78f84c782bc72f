import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONV_ALGORITHMS, conv2d, convAlgorithm, forceConvAlgorithm } from '../../src/kernels/conv/conv2d.js';
import { col2im, im2col } from '../../src/kernels/conv/im2col.js';
import { nchwToNhwc, nhwcToNchw } from '../../src/kernels/conv/layout.js';
import { col2imRef, conv2dRef, im2colRef, outSizeRef, type Shape4 } from '../../src/kernels/conv/reference.js';
import { resolveWindow, type WindowOptions } from '../../src/kernels/conv/window.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);
afterEach(() => forceConvAlgorithm(null));

// im2col, col2im and the layout transform only copy or add a handful of f32 values per
// output: bound 1e-6 relative. conv2d sums K = C*kh*kw ≤ 75 f32 products (GEMM or direct): 1e-5.
const F32_COPY = 1e-6;
const F32_CONV = 1e-5;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const CASES: [Shape4, WindowOptions][] = [
  [[2, 3, 7, 7], { kernel: 3 }],
  [[2, 3, 9, 9], { kernel: 5, stride: 2, padding: 2 }],
  [[2, 3, 7, 9], { kernel: [3, 5], stride: [2, 1], padding: [1, 2] }],
  [[1, 2, 5, 5], { kernel: 5 }],
];

const label = (shape: Shape4, o: WindowOptions) => `${JSON.stringify(shape)} ${JSON.stringify(o)}`;

describe('im2col / col2im', () => {
  for (const [shape, opts] of CASES) {
    it(`im2col matches float64 on ${label(shape, opts)}`, async () => {
      const win = resolveWindow('test', opts, 1);
      const [oh, ow] = outSizeRef(shape, win);
      const x = randomArray(size(shape), 1);
      const cols = im2col(tensor(x, shape), opts);
      expect([...cols.shape]).toEqual([shape[0] * oh * ow, shape[1] * win.kernel[0] * win.kernel[1]]);
      expect(relError(await cols.data(), im2colRef(x, shape, win))).toBeLessThan(F32_COPY);
    });

    it(`col2im matches float64 on ${label(shape, opts)}`, async () => {
      const win = resolveWindow('test', opts, 1);
      const [oh, ow] = outSizeRef(shape, win);
      const colsShape = [shape[0] * oh * ow, shape[1] * win.kernel[0] * win.kernel[1]];
      const c = randomArray(size(colsShape), 2);
      const img = col2im(tensor(c, colsShape), shape, opts);
      expect([...img.shape]).toEqual([...shape]);
      expect(relError(await img.data(), col2imRef(c, shape, win))).toBeLessThan(F32_COPY);
    });
  }

  it('im2col and col2im gradients match finite differences (each is the other’s backward)', async () => {
    const opts = { kernel: 3, stride: 2, padding: 1 };
    await gradcheck(([x]) => im2col(x!, opts), [{ data: randomArray(2 * 2 * 5 * 5, 3), shape: [2, 2, 5, 5] }], { eps: 1e-3 });
    await gradcheck(([c]) => col2im(c!, [2, 2, 5, 5], opts), [{ data: randomArray(18 * 18, 4), shape: [18, 18] }], { eps: 1e-3 });
  });

  it('rejects a kernel larger than the padded input, wrong ranks and mismatched columns', () => {
    const x = tensor(randomArray(27, 5), [1, 3, 3, 3]);
    expect(() => im2col(x, { kernel: 5, padding: 0 })).toThrow(/kernel \[5,5\] is larger than the padded input \[3,3\]/);
    expect(() => im2col(tensor(randomArray(27, 5), [3, 3, 3]), { kernel: 3 })).toThrow(/must be 4-D \[N, C, H, W\], got \[3,3,3\]/);
    expect(() => im2col(x, { kernel: 0 })).toThrow(/kernel 0 must be an integer ≥ 1/);
    expect(() => col2im(tensor(randomArray(27, 5), [1, 27]), [1, 3, 5, 5], { kernel: 3 })).toThrow(/expected \[9,27\]/);
  });
});

describe('NHWC <-> NCHW', () => {
  it('round-trips and matches the index permutation, with gradients', async () => {
    const [n, h, w, c] = [2, 3, 5, 7];
    const x = randomArray(n * h * w * c, 6);
    const nchw = nhwcToNchw(tensor(x, [n, h, w, c]));
    expect([...nchw.shape]).toEqual([n, c, h, w]);
    const ref = new Float64Array(x.length);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let ch = 0; ch < c; ch++) ref[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch]!;
    expect(relError(await nchw.data(), ref)).toBeLessThan(F32_COPY);
    expect(relError(await nchwToNhwc(nchw).data(), x)).toBe(0);
    await gradcheck(([t]) => nhwcToNchw(t!), [{ data: x, shape: [n, h, w, c] }], { eps: 1e-3 });
  });

  it('rejects tensors that are not 4-D', () => {
    expect(() => nhwcToNchw(tensor(randomArray(6, 1), [2, 3]))).toThrow(/expected a 4-D \[N, H, W, C\] tensor, got \[2,3\]/);
  });
});

describe('conv2d', () => {
  const CONV: [Shape4, number, [number, number], { stride?: number | [number, number]; padding?: number | [number, number] }, boolean][] = [
    [[2, 3, 7, 7], 5, [3, 3], {}, true],
    [[2, 3, 9, 9], 5, [5, 5], { stride: 2, padding: 2 }, true],
    [[2, 3, 7, 9], 5, [3, 5], { stride: [2, 1], padding: [1, 2] }, false],
    [[1, 3, 5, 5], 7, [5, 5], { padding: 1 }, true],
  ];
  for (const algorithm of CONV_ALGORITHMS) {
    for (const [shape, o, [kh, kw], opts, withBias] of CONV) {
      it(`${algorithm}: matches direct float64 convolution: x ${JSON.stringify(shape)}, w [${o},${shape[1]},${kh},${kw}] ${JSON.stringify(opts)}${withBias ? ' + bias' : ''}`, async () => {
        forceConvAlgorithm(algorithm);
        const x = randomArray(size(shape), 7);
        const w = randomArray(o * shape[1] * kh * kw, 8);
        const b = randomArray(o, 9);
        const out = conv2d(tensor(x, shape), tensor(w, [o, shape[1], kh, kw]), withBias ? tensor(b, [o]) : undefined, opts);
        const win = resolveWindow('test', { kernel: [kh, kw], ...opts }, 1);
        expect([...out.shape]).toEqual([shape[0], o, ...outSizeRef(shape, win)]);
        expect(relError(await out.data(), conv2dRef(x, shape, w, o, withBias ? b : null, win))).toBeLessThan(F32_CONV);
      });
    }

    it(`${algorithm}: gradients of input, weight and bias match finite differences`, async () => {
      forceConvAlgorithm(algorithm);
      await gradcheck(([x, w, b]) => conv2d(x!, w!, b!, { stride: 2, padding: 1 }), [
        { data: randomArray(2 * 3 * 7 * 7, 10), shape: [2, 3, 7, 7] },
        { data: randomArray(5 * 3 * 3 * 3, 11), shape: [5, 3, 3, 3] },
        { data: randomArray(5, 12), shape: [5] },
      ], { samples: 12 });
    });
  }

  it('rejects channel mismatches, wrong ranks, oversized kernels and bad biases', () => {
    const x = tensor(randomArray(2 * 3 * 4 * 4, 13), [2, 3, 4, 4]);
    const w = (s: number[]) => tensor(randomArray(size(s), 14), s);
    expect(() => conv2d(x, w([5, 2, 3, 3]))).toThrow(/weight \[5,2,3,3\] expects 2 input channels but input \[2,3,4,4\] has 3/);
    expect(() => conv2d(tensor(randomArray(48, 1), [3, 4, 4]), w([5, 3, 3, 3]))).toThrow(/input must be 4-D \[N, C, H, W\], got \[3,4,4\]/);
    expect(() => conv2d(x, w([5, 3, 3]))).toThrow(/weight must be 4-D \[O, C, kh, kw\], got \[5,3,3\]/);
    expect(() => conv2d(x, w([5, 3, 7, 7]), undefined, { padding: 1 })).toThrow(/kernel \[7,7\] is larger than the padded input \[6,6\]/);
    expect(() => conv2d(x, w([5, 3, 3, 3]), w([4]))).toThrow(/bias must be \[5\] \(one per output channel\), got \[4\]/);
    expect(() => forceConvAlgorithm('winograd' as never)).toThrow(/unknown algorithm 'winograd'; use one of direct, im2col or null/);
  });

  it('runs the direct kernels unless forced to im2col', () => {
    expect(convAlgorithm()).toBe('direct');
    forceConvAlgorithm('im2col');
    expect(convAlgorithm()).toBe('im2col');
    forceConvAlgorithm(null);
    expect(convAlgorithm()).toBe('direct');
  });
});
