import { beforeAll, describe, expect, it } from 'vitest';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { max, mean, min, sum, sumAll, sumTo } from '../../src/kernels/reduce/reduce.js';
import { broadcastTo } from '../../src/kernels/shape/broadcast.js';
import { reshape } from '../../src/kernels/shape/reshape.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// Sums are in f32 with four partial accumulators: bound 1e-6 relative for these lengths.
const F32_SUM = 1e-6;

/** float64 reduction of `x` (row-major `shape`) over `axis`. */
function reduceRef(x: Float32Array, shape: number[], axis: number, f: (vals: number[]) => number): number[] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const vals: number[] = [];
      for (let k = 0; k < len; k++) vals.push(x[(o * len + k) * inner + i]!);
      out.push(f(vals));
    }
  }
  return out;
}

const KINDS = [
  ['sum', sum, (v: number[]) => v.reduce((a, b) => a + b, 0)],
  ['mean', mean, (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length],
  ['max', max, (v: number[]) => v.reduce((a, b) => Math.max(a, b))],
  ['min', min, (v: number[]) => v.reduce((a, b) => Math.min(a, b))],
] as const;

describe('reductions over an axis', () => {
  const shape = [7, 33, 5];
  const x = randomArray(7 * 33 * 5, 21);
  for (const [name, op, f] of KINDS) {
    it(`${name} over each axis of [7,33,5] matches float64`, async () => {
      for (let axis = 0; axis < 3; axis++) {
        const out = op(tensor(x, shape), axis);
        expect([...out.shape]).toEqual(shape.filter((_, i) => i !== axis));
        expect(relError(await out.data(), reduceRef(x, shape, axis, f))).toBeLessThan(F32_SUM);
      }
      const kept = op(tensor(x, shape), -1, true);
      expect([...kept.shape]).toEqual([7, 33, 1]);
    });
    it(`${name} gradient matches finite differences`, async () => {
      await gradcheck(([t]) => op(t!, 1), [{ data: randomArray(5 * 9, 22), shape: [5, 9] }], { eps: 1e-3 });
    });
  }

  it('max and min send the gradient to every tied extreme in full', async () => {
    const x = tensor([2, 2, 1, -3, 0, -3], [2, 3]).trainable();
    sumAll(mul(max(x, 1), tensor([10, 100], [2]))).backward();
    expect(Array.from(await x.grad!.data())).toEqual([10, 10, 0, 0, 100, 0]);
    // Column minima 2 (tied), -3 and 1 (tied).
    const y = tensor([2, 0, 1, 2, -3, 1], [2, 3]).trainable();
    sumAll(min(y, 0, true)).backward();
    expect(Array.from(await y.grad!.data())).toEqual([1, 0, 1, 1, 1, 1]);
  });

  it('sums a long axis (127 x 1031) and everything at once', async () => {
    const long = randomArray(127 * 1031, 23);
    expect(relError(await sum(tensor(long, [127, 1031]), 1).data(), reduceRef(long, [127, 1031], 1, KINDS[0][2]))).toBeLessThan(F32_SUM);
    const total = long.reduce((a, b) => a + b, 0);
    expect(relError(await sumAll(tensor(long, [127, 1031])).data(), [total])).toBeLessThan(1e-5);
    // Long axes with few outputs take the two-pass path: check every kind there too.
    for (const [, op, f] of KINDS) {
      expect(relError(await op(tensor(long, [long.length]), 0).data(), [f(Array.from(long))])).toBeLessThan(1e-5);
    }
  });

  it('sumTo inverts broadcasting and broadcastTo expands, with gradients', async () => {
    const g = randomArray(3 * 7 * 5, 24);
    const out = await sumTo(tensor(g, [3, 7, 5]), [7, 1]).data();
    const ref = Array.from({ length: 7 }, (_, j) => {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let c = 0; c < 5; c++) s += g[(a * 7 + j) * 5 + c]!;
      return s;
    });
    expect(relError(out, ref)).toBeLessThan(F32_SUM);
    const b = await broadcastTo(tensor([1, 2, 3], [3, 1]), [3, 4]).data();
    expect(Array.from(b)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    await gradcheck(([t]) => broadcastTo(t!, [4, 3, 5]), [{ data: randomArray(3, 25), shape: [3, 1] }]);
    await gradcheck(([t]) => reshape(t!, [5, 3]), [{ data: randomArray(15, 26), shape: [3, 5] }]);
  });
});
