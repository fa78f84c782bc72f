// The data-dependent centering bias (N5): the mean folds in the first T0 training batches and
// then freezes, it never receives a gradient, and p's gradient carries the warm-up damping.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { centeringBias } from '../../src/kernels/nn/centering.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { Centering } from '../../src/nn/layers/centered.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// Elementwise f32 with a mean over ≤ 33 rows: 1e-6 relative. The output x + s·p − mu may
// cancel (a one-row batch centres to ~0), so its error is measured against the input's size.
const F32 = 1e-6;

function errorVsInput(out: ArrayLike<number>, ref: ArrayLike<number>, x: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!Number.isFinite(out[i]!)) return Infinity;
    num += (out[i]! - ref[i]!) ** 2;
    den += Math.max(ref[i]! ** 2, x[i]! ** 2);
  }
  return Math.sqrt(num / den);
}

function columnMeans(x: Float32Array, n: number, c: number): Float64Array {
  const m = new Float64Array(c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) m[j]! += x[i * c + j]! / n;
  return m;
}

/** The reference: mu is the running average of the first t0 batch means, then frozen. */
class ReferenceCentering {
  mu: Float64Array;
  count = 0;
  constructor(readonly c: number, readonly t0: number, readonly damping: number) {
    this.mu = new Float64Array(c);
  }
  forward(x: Float32Array, p: Float32Array, n: number, training: boolean): { y: Float64Array; s: number } {
    const s = this.count < this.t0 ? this.damping : 1;
    if (training && this.count < this.t0) {
      const bm = columnMeans(x, n, this.c);
      this.mu = this.mu.map((m, j) => m + (bm[j]! - m) / (this.count + 1));
      this.count++;
    }
    const y = new Float64Array(n * this.c);
    for (let i = 0; i < n * this.c; i++) y[i] = x[i]! + s * p[i % this.c]! - this.mu[i % this.c]!;
    return { y, s };
  }
}

describe('centering bias', () => {
  for (const [n, c] of [[33, 7], [1, 5], [5, 300]] as const) {
    it(`matches the reference over warm-up and frozen batches (x [${n}, ${c}], T0 = 3)`, async () => {
      const layer = new Centering(c, { t0: 3 });
      const pData = randomArray(c, 5);
      const p = tensor(pData, [c]);
      const ref = new ReferenceCentering(c, 3, 0.01);
      for (let b = 0; b < 6; b++) {
        const x = randomArray(n * c, 100 + b, -1, 3); // means far from 0, different per batch
        const y = centeringBias(tensor(x, [n, c]), p, layer.mean, layer.count, { training: true, t0: 3 });
        const expected = ref.forward(x, pData, n, true);
        expect(errorVsInput(await y.data(), expected.y, x), `batch ${b}`).toBeLessThan(F32);
        expect(relError(await layer.mean.data(), ref.mu), `mean after batch ${b}`).toBeLessThan(F32);
        expect((await layer.count.data())[0]).toBe(Math.min(b + 1, 3));
      }
      // Frozen: the same values as after the third batch, bit for bit, for every later batch.
      const frozen = Float32Array.from(await layer.mean.data());
      centeringBias(tensor(randomArray(n * c, 999, 5, 9), [n, c]), p, layer.mean, layer.count, { training: true, t0: 3 });
      expect([...(await layer.mean.data())]).toEqual([...frozen]);
      layer.dispose();
    });
  }

  it('eval mode neither updates the mean nor counts the batch', async () => {
    const layer = new Centering(9, { t0: 8 });
    layer.eval();
    const x = randomArray(4 * 9, 3, 1, 2);
    const y = layer.forward(tensor(x, [4, 9]));
    expect(relError(await y.data(), x)).toBeLessThan(F32); // mu = 0, p = 0
    expect([...(await layer.mean.data())]).toEqual(Array(9).fill(0));
    expect((await layer.count.data())[0]).toBe(0);
  });

  it('gives x the identity gradient, p the damped column sums, and the mean none', async () => {
    const [n, c] = [17, 7];
    const layer = new Centering(c, { t0: 2 });
    const x = tensor(randomArray(n * c, 8, -1, 3), [n, c]).trainable();
    const g = randomArray(n * c, 9);
    for (const s of [0.01, 0.01, 1]) {
      x.grad = null;
      layer.bias.grad = null;
      sumAll(mul(layer.forward(x), tensor(g, [n, c]))).backward();
      expect([...(await x.grad!.data())]).toEqual([...g]);
      const colSums = Float64Array.from({ length: c }, (_, j) => s * Array.from({ length: n }, (_, i) => g[i * c + j]!).reduce((a, b) => a + b));
      expect(relError(await layer.bias.grad!.data(), colSums)).toBeLessThan(1e-5);
      expect(layer.mean.grad).toBeNull();
      expect(layer.count.grad).toBeNull();
    }
  });

  it('in a compiled step: the mean commits after the backward, freezes after T0 and is untouched by the optimizer', async () => {
    const [n, c, t0] = [13, 6, 3];
    const layer = new Centering(c, { t0 });
    const opt = new SGD(layer.parameters(), { lr: 0.5 });
    const w = tensor(randomArray(n * c, 21), [n, c]);
    const step = await compile({ x: { shape: [n, c] } }, ({ x }) => {
      const loss = sumAll(mul(layer.forward(x!), w));
      loss.backward();
      const gp = layer.bias.grad!;
      opt.step();
      return { loss, gp };
    });
    const ref = new ReferenceCentering(c, t0, 0.01);
    const wData = await w.data();
    let pRef = new Float64Array(c);
    for (let b = 0; b < 6; b++) {
      const x = randomArray(n * c, 300 + b, -2, 4);
      const { s } = ref.forward(x, Float32Array.from(pRef), n, true);
      const out = await step.run({ x }, { read: ['gp'] });
      const gRef = Float64Array.from({ length: c }, (_, j) => s * Array.from({ length: n }, (_, i) => wData[i * c + j]!).reduce((a, b2) => a + b2));
      expect(relError(out.gp!, gRef), `p gradient at step ${b}`).toBeLessThan(1e-5);
      pRef = pRef.map((v, j) => v - 0.5 * gRef[j]!);
      expect(relError(await layer.mean.data(), ref.mu), `mean after step ${b}`).toBeLessThan(F32);
      expect(relError(await layer.bias.data(), pRef)).toBeLessThan(1e-5);
    }
    expect((await layer.count.data())[0]).toBe(t0);
    step.dispose();
    opt.dispose();
  });

  it('rejects bad inputs with what to do', () => {
    const p = zeros([4]);
    const mean = zeros([4]);
    const count = tensor([0], [1], 'u32');
    expect(() => centeringBias(zeros([2, 3, 4]), p, mean, count, { training: true })).toThrow(/\[N, C\].*reshape/);
    expect(() => centeringBias(zeros([2, 5]), p, mean, count, { training: true })).toThrow(/p must be \[5\]/);
    expect(() => centeringBias(zeros([2, 4]), p, zeros([4]).trainable(), count, { training: true })).toThrow(/state, not a parameter/);
    expect(() => centeringBias(zeros([2, 4]), p, mean, zeros([1]), { training: true })).toThrow(/count.*u32/);
    expect(() => centeringBias(zeros([2, 4]), p, mean, count, { training: true, t0: -1 })).toThrow(/t0 = -1/);
  });
});
