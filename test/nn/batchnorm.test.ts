// The BatchNorm1d module: batch statistics and running-statistics updates in training mode,
// the running statistics in eval mode, parameters and buffers under PyTorch's names.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '../../src/graph/runtime.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { Sequential } from '../../src/nn/layers/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

function stats(x: Float32Array, n: number, c: number) {
  const mean = new Float64Array(c);
  const biased = new Float64Array(c);
  for (let i = 0; i < n * c; i++) mean[i % c]! += x[i]! / n;
  for (let i = 0; i < n * c; i++) biased[i % c]! += (x[i]! - mean[i % c]!) ** 2 / n;
  return { mean, biased };
}

const normalize = (x: Float32Array, c: number, mean: ArrayLike<number>, variance: ArrayLike<number>, gamma: Float32Array, beta: Float32Array) =>
  Float64Array.from(x, (v, i) => ((v - mean[i % c]!) / Math.sqrt(variance[i % c]! + 1e-5)) * gamma[i % c]! + beta[i % c]!);

describe('BatchNorm1d', () => {
  // Per-feature reductions over ≤ 65 rows in f32: 1e-5 relative.
  const TOL = 1e-5;

  it('normalises with batch statistics, tracks running ones, and uses them in eval mode', async () => {
    const [n, c] = [65, 7];
    const bn = new BatchNorm1d(c, { momentum: 0.2 });
    const gamma = randomArray(c, 1, 0.5, 2);
    const beta = randomArray(c, 2);
    runtime().write(bn.gamma.storage!.buffer, gamma);
    runtime().write(bn.beta.storage!.buffer, beta);
    const runMean = new Float64Array(c);
    const runVar = new Float64Array(c).fill(1);
    for (let b = 0; b < 3; b++) {
      const x = randomArray(n * c, 10 + b, -1, 4);
      const { mean, biased } = stats(x, n, c);
      expect(relError(await bn.forward(tensor(x, [n, c])).data(), normalize(x, c, mean, biased, gamma, beta))).toBeLessThan(TOL);
      for (let j = 0; j < c; j++) {
        runMean[j] = 0.8 * runMean[j]! + 0.2 * mean[j]!;
        runVar[j] = 0.8 * runVar[j]! + 0.2 * biased[j]! * (n / (n - 1));
      }
    }
    expect(relError(await bn.runningMean.data(), runMean)).toBeLessThan(TOL);
    expect(relError(await bn.runningVar.data(), runVar)).toBeLessThan(TOL);
    const parent = new Sequential(bn).eval();
    expect(bn.training).toBe(false);
    const x = randomArray(3 * c, 20);
    expect(relError(await parent.forward(tensor(x, [3, c])).data(), normalize(x, c, runMean, runVar, gamma, beta))).toBeLessThan(TOL);
    expect(relError(await bn.runningMean.data(), runMean)).toBeLessThan(TOL); // eval leaves them alone
    expect(Object.keys(bn.namedParameters())).toEqual(['weight', 'bias']);
    expect(Object.keys(bn.namedBuffers())).toEqual(['running_mean', 'running_var']);
    expect(bn.runningMean.requiresGrad).toBe(false);
    bn.dispose();
  });

  it('says what to do for a one-row training batch', () => {
    const bn = new BatchNorm1d(4);
    expect(() => bn.forward(tensor(randomArray(4, 1), [1, 4]))).toThrow(/larger batch or eval mode/);
  });
});
