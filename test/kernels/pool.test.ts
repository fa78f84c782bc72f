import { beforeAll, describe, expect, it } from 'vitest';
import { forEachWindow, maxPoolGradRef, outSizeRef, poolRef, type Shape4 } from '../../src/kernels/conv/reference.js';
import { compile } from '../../src/graph/compile.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
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

// Backward passes run one thread per stride-sized cell of the input and must write every pixel
// (outputs start as NaN: gpu() poisons them): windows with gaps between them (stride > kernel),
// rows and columns past the last window (floor mode), a cell wholly in the padding (pad = stride),
// kernel 1, windows overlapping along one axis only, several windows reaching into one cell.
const GRAD_CASES: [Shape4, WindowOptions][] = [
  [[2, 3, 7, 7], { kernel: 2 }],
  [[1, 2, 9, 11], { kernel: 2, stride: 3 }],
  [[1, 3, 5, 6], { kernel: 1, stride: 2 }],
  [[1, 2, 8, 9], { kernel: 3, stride: 2, padding: 1 }],
  [[2, 1, 6, 7], { kernel: [3, 2], stride: [1, 2], padding: [1, 1] }],
  [[1, 1, 9, 9], { kernel: 4, stride: 2, padding: 2 }],
  [[1, 2, 10, 6], { kernel: 5, stride: 3, padding: 2 }],
  [[1, 2, 7, 8], { kernel: 3, stride: 1 }],
];

/** Float64 avgPool2d gradient (count_include_pad = false), window by window. */
function avgPoolGradRef(shape: Shape4, opts: WindowOptions, g: ArrayLike<number>): Float64Array {
  const win = resolveWindow('test', opts, null);
  const [, , h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const out = new Float64Array(size(shape));
  forEachWindow(shape, win, (plane, o, cells) => {
    const real = cells.filter((cell) => cell >= 0);
    for (const cell of real) out[plane * h * w + cell] += g[plane * oh * ow + o]! / real.length;
  });
  return out;
}

/** Values from a 3-level set: windows hold many ties. */
const tiedValues = (n: number, seed: number) => randomArray(n, seed).map((v) => Math.round(v * 1.4) / 2);

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

  for (const [shape, opts] of GRAD_CASES) {
    it(`maxPool2d backward on ${JSON.stringify(shape)} ${JSON.stringify(opts)} routes each window’s gradient to its first maximum, ties included`, async () => {
      const win = resolveWindow('test', opts, null);
      for (const x of [distinctValues(size(shape), 3), tiedValues(size(shape), 3)]) {
        const xt = tensor(x, shape).trainable();
        const out = maxPool2d(xt, opts);
        const g = randomArray(out.numel, 4, 0.5, 1.5);
        out.backward(tensor(g, [...out.shape]));
        expect(relError(await xt.grad!.data(), maxPoolGradRef(x, shape, win, g))).toBeLessThan(F32_POOL);
      }
    });

    it(`avgPool2d backward on ${JSON.stringify(shape)} ${JSON.stringify(opts)} matches float64`, async () => {
      const xt = tensor(randomArray(size(shape), 5), shape).trainable();
      const out = avgPool2d(xt, opts);
      const g = randomArray(out.numel, 6, 0.5, 1.5);
      out.backward(tensor(g, [...out.shape]));
      expect(relError(await xt.grad!.data(), avgPoolGradRef(shape, opts, g))).toBeLessThan(F32_POOL);
    });
  }

  it('maxPool2d with overlapping windows sends every window holding a NaN to it', async () => {
    // The NaN at (2, 2) lies in the 9 windows around it: all of them are NaN and route their
    // gradient there, as they would to a +Infinity in its place.
    const shape: Shape4 = [1, 1, 5, 5];
    const opts = { kernel: 3, stride: 1, padding: 1 };
    const x = distinctValues(25, 7);
    x[12] = NaN;
    const g = randomArray(25, 8, 0.5, 1.5);
    const xt = tensor(x, shape).trainable();
    const y = maxPool2d(xt, opts);
    y.backward(tensor(g, shape));
    const inWindow = (i: number) => Math.abs(Math.floor(i / 5) - 2) <= 1 && Math.abs((i % 5) - 2) <= 1;
    expect([...(await y.data())].map((v, i) => Number.isNaN(v) === inWindow(i))).toEqual(Array(25).fill(true));
    const asInfinity = Float32Array.from(x, (v) => (Number.isNaN(v) ? Infinity : v));
    expect(relError(await xt.grad!.data(), maxPoolGradRef(asInfinity, shape, resolveWindow('test', opts, null), g))).toBeLessThan(F32_POOL);
  });

  it('maxPool2d backward is one dispatch when windows do not overlap, and an argmax pass plus a gather when they do', async () => {
    const shape: Shape4 = [2, 3, 8, 8];
    const xt = tensor(distinctValues(size(shape), 9), shape).trainable();
    for (const [opts, kernels] of [
      [{ kernel: 2 }, ['pool/max_pool_grad']],
      [{ kernel: 2, stride: 3 }, ['pool/max_pool_grad']],
      [{ kernel: 3, stride: 2 }, ['pool/max_pool_argmax', 'pool/max_pool_grad_overlapping']],
    ] as const) {
      const step = await compile({}, () => {
        sumAll(maxPool2d(xt, opts)).backward();
        return { dx: xt.grad! };
      });
      const grads = step.plan.dispatches.map((d) => d.label).filter((l) => l.startsWith('maxPool2dGrad'));
      expect(grads.map((l) => l.split('via kernel ')[1])).toEqual(kernels);
    }
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
