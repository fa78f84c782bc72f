// Finite-difference gradient checks for ops and whole models, run on the GPU in f32.
import { expect } from 'vitest';
import { noGrad } from '../src/graph/autograd.js';
import { mul } from '../src/kernels/elementwise/binary.js';
import { sumAll } from '../src/kernels/reduce/reduce.js';
import { tensor } from '../src/tensor/create.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { randomArray } from './setup.js';

export interface GradInput {
  data: Float32Array;
  shape: number[];
}

export interface GradcheckOptions {
  /** Central-difference step. f32 forward passes need a large one. */
  eps?: number;
  /** Bound on ‖numeric − analytic‖ / ‖numeric‖ over the sampled coordinates. */
  tol?: number;
  /** Coordinates sampled per input (all when the input is smaller). */
  samples?: number;
  /** Inputs (by index) that are not differentiated (labels, indices). */
  constant?: number[];
  seed?: number;
}

/**
 * Checks autograd against central differences of L = Σ f(x) ⊙ R for a fixed random R,
 * so every output element's gradient matters.
 */
export async function gradcheck(fn: (xs: Tensor[]) => Tensor, inputs: GradInput[], opts: GradcheckOptions = {}) {
  const { eps = 1e-2, tol = 2e-2, samples = 10, constant = [], seed = 7 } = opts;
  const leaves = inputs.map((x, i) => {
    const t = tensor(x.data, x.shape);
    return constant.includes(i) ? t : t.trainable();
  });
  const out = fn(leaves);
  const weights = tensor(randomArray(out.numel, seed + 101, 0.5, 1.5), [...out.shape]);
  const loss = sumAll(mul(out, weights));
  loss.backward();
  const lossAt = async (i: number, data: Float32Array) =>
    noGrad(() => {
      const xs = inputs.map((x, j) => tensor(j === i ? data : x.data, x.shape));
      const l = sumAll(mul(fn(xs), weights));
      return l;
    }).item();
  for (let i = 0; i < inputs.length; i++) {
    if (constant.includes(i)) continue;
    const analytic = (await leaves[i]!.grad!.data()) as Float32Array;
    const n = inputs[i]!.data.length;
    const picks = n <= samples ? [...Array(n).keys()] : [...randomArray(samples, seed + i, 0, n)].map(Math.floor);
    const num: number[] = [];
    const ana: number[] = [];
    for (const j of picks) {
      const plus = Float32Array.from(inputs[i]!.data);
      const minus = Float32Array.from(inputs[i]!.data);
      plus[j]! += eps;
      minus[j]! -= eps;
      num.push(((await lossAt(i, plus)) - (await lossAt(i, minus))) / (2 * eps));
      ana.push(analytic[j]!);
    }
    const diff = Math.hypot(...num.map((v, k) => v - ana[k]!));
    const scale = Math.max(Math.hypot(...num), 1e-6);
    expect(diff / scale, `input ${i}: numeric ${num.map((v) => v.toFixed(4))} vs analytic ${ana.map((v) => v.toFixed(4))}`).toBeLessThan(tol);
  }
}
