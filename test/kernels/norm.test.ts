import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { batchNorm } from '../../src/kernels/norm/batchnorm.js';
import { batchNormGradRef, batchNormRef, type BatchNormRefResult } from '../../src/kernels/norm/reference.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { full, tensor, zeros } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// f32 batch norm: per-channel sums of ≤ 200 values (two-pass variance), then a few flops per
// element: bound 1e-5 relative for outputs, running statistics and exact-gradient comparisons.
const F32_NORM = 1e-5;

type Shape3 = [number, number, number];
const CASES: [number[], Shape3][] = [
  [[2, 3, 7, 9], [2, 3, 63]],
  [[9, 5], [9, 5, 1]],
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Inputs with a channel offset far from zero, so a one-pass variance would lose digits. */
function inputs(shape: number[], seed: number) {
  const c = shape[1]!;
  return {
    x: randomArray(size(shape), seed, 3, 5),
    gamma: randomArray(c, seed + 1, 0.5, 1.5),
    beta: randomArray(c, seed + 2, -0.5, 0.5),
    runningMean: randomArray(c, seed + 3, -0.5, 0.5),
    runningVar: randomArray(c, seed + 4, 0.5, 2),
  };
}

describe('batchNorm', () => {
  for (const [shape, shape3] of CASES) {
    it(`training on ${JSON.stringify(shape)}: output and running statistics over two calls match float64`, async () => {
      const d = inputs(shape, 10);
      const [gamma, beta] = [tensor(d.gamma, [shape[1]!]), tensor(d.beta, [shape[1]!])];
      const rm = tensor(d.runningMean, [shape[1]!]);
      const rv = tensor(d.runningVar, [shape[1]!]);
      let ref: Pick<BatchNormRefResult, 'runningMean' | 'runningVar'> = { runningMean: Float64Array.from(d.runningMean), runningVar: Float64Array.from(d.runningVar) };
      for (const seed of [20, 30]) {
        const x = randomArray(size(shape), seed, -2, 4);
        const y = batchNorm(tensor(x, shape), gamma, beta, rm, rv, { training: true, momentum: 0.3 });
        const r = batchNormRef(x, shape3, d.gamma, d.beta, ref.runningMean, ref.runningVar, { training: true, momentum: 0.3 });
        expect([...y.shape]).toEqual(shape);
        expect(relError(await y.data(), r.y)).toBeLessThan(F32_NORM);
        expect(relError(await rm.data(), r.runningMean)).toBeLessThan(F32_NORM);
        expect(relError(await rv.data(), r.runningVar)).toBeLessThan(F32_NORM);
        ref = r;
      }
    });

    it(`eval on ${JSON.stringify(shape)}: uses the running statistics and leaves them alone`, async () => {
      const d = inputs(shape, 40);
      const c = [shape[1]!];
      const rm = tensor(d.runningMean, c);
      const rv = tensor(d.runningVar, c);
      const y = batchNorm(tensor(d.x, shape), tensor(d.gamma, c), tensor(d.beta, c), rm, rv, { training: false, eps: 1e-3 });
      const r = batchNormRef(d.x, shape3, d.gamma, d.beta, d.runningMean, d.runningVar, { training: false, eps: 1e-3 });
      expect(relError(await y.data(), r.y)).toBeLessThan(F32_NORM);
      expect([...(await rm.data())]).toEqual([...d.runningMean]);
      expect([...(await rv.data())]).toEqual([...d.runningVar]);
    });

    it(`training gradients on ${JSON.stringify(shape)} match the float64 chain rule`, async () => {
      const d = inputs(shape, 50);
      const c = [shape[1]!];
      const x = tensor(d.x, shape).trainable();
      const gamma = tensor(d.gamma, c).trainable();
      const beta = tensor(d.beta, c).trainable();
      const y = batchNorm(x, gamma, beta, zeros(c), full(c, 1), { training: true });
      const g = randomArray(size(shape), 51);
      y.backward(tensor(g, shape));
      const r = batchNormGradRef(d.x, shape3, d.gamma, g);
      expect(relError(await x.grad!.data(), r.dx)).toBeLessThan(F32_NORM);
      expect(relError(await gamma.grad!.data(), r.dgamma)).toBeLessThan(F32_NORM);
      expect(relError(await beta.grad!.data(), r.dbeta)).toBeLessThan(F32_NORM);
    });
  }

  for (const training of [true, false]) {
    it(`${training ? 'training' : 'eval'} gradients of x, gamma, beta match finite differences`, async () => {
      const shape = [2, 3, 5, 7];
      const d = inputs(shape, 60);
      const [rmData, rvData] = [d.runningMean, d.runningVar];
      await gradcheck(
        ([x, gamma, beta]) => batchNorm(x!, gamma!, beta!, tensor(rmData, [3]), tensor(rvData, [3]), { training }),
        [
          { data: randomArray(size(shape), 61), shape },
          { data: d.gamma, shape: [3] },
          { data: d.beta, shape: [3] },
        ],
        { eps: 1e-2, samples: 12 },
      );
    });
  }

  it('updates the running statistics inside a compiled step, once per run', async () => {
    const shape = [2, 3, 5, 5];
    const shape3: Shape3 = [2, 3, 25];
    const d = inputs(shape, 70);
    const gamma = tensor(d.gamma, [3]).trainable();
    const beta = tensor(d.beta, [3]);
    const rm = tensor(d.runningMean, [3]);
    const rv = tensor(d.runningVar, [3]);
    const weights = tensor(randomArray(size(shape), 71), shape);
    const step = await compile({ x: { shape } }, ({ x }) => {
      const loss = sumAll(mul(batchNorm(x!, gamma, beta, rm, rv, { training: true }), weights));
      loss.backward();
      return { loss, dgamma: gamma.grad! };
    });
    let ref: Pick<BatchNormRefResult, 'runningMean' | 'runningVar'> = { runningMean: Float64Array.from(d.runningMean), runningVar: Float64Array.from(d.runningVar) };
    for (const seed of [72, 73]) {
      const x = randomArray(size(shape), seed, -1, 3);
      const out = await step.run({ x }, { read: ['dgamma'] });
      ref = batchNormRef(x, shape3, d.gamma, d.beta, ref.runningMean, ref.runningVar, { training: true });
      expect(relError(await rm.data(), ref.runningMean)).toBeLessThan(F32_NORM);
      expect(relError(await rv.data(), ref.runningVar)).toBeLessThan(F32_NORM);
      const wData = await weights.data();
      expect(relError(out.dgamma!, batchNormGradRef(x, shape3, d.gamma, wData).dgamma)).toBeLessThan(F32_NORM);
    }
    step.dispose();
  });

  it('rejects wrong ranks, channel mismatches, one value per channel in training, and non-leaf running statistics', () => {
    const c3 = () => tensor([1, 1, 1], [3]);
    const x = tensor(randomArray(2 * 3 * 4, 80), [2, 3, 4]);
    expect(() => batchNorm(x, c3(), c3(), c3(), c3(), { training: true })).toThrow(/x must be \[N, C\] or \[N, C, H, W\], got \[2,3,4\]/);
    const x4 = tensor(randomArray(2 * 3 * 4 * 4, 81), [2, 3, 4, 4]);
    expect(() => batchNorm(x4, tensor([1, 1, 1, 1], [4]), c3(), c3(), c3(), { training: true })).toThrow(/gamma must be \[3\] \(one value per channel of x \[2,3,4,4\]\), got \[4\]/);
    expect(() => batchNorm(tensor([1, 2, 3], [1, 3]), c3(), c3(), c3(), c3(), { training: true })).toThrow(/more than one value per channel/);
    expect(() => batchNorm(x4, c3(), c3(), mul(c3(), c3()), c3(), { training: true })).toThrow(/runningMean must be a leaf tensor/);
    expect(() => batchNorm(x4, c3(), c3(), c3(), c3(), { training: true, momentum: 2 })).toThrow(/momentum 2 must lie in \[0, 1\]/);
  });
});
