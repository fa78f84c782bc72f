// Shared by the loss kernel tests (loss.test.ts, gce.test.ts): label tensors and the float64
// row references every softmax-based loss is checked against.
import type { Reduction } from '../../src/kernels/loss/reduction.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomArray } from '../setup.js';

export const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

export function u32(values: ArrayLike<number>): Tensor {
  return tensor(Uint32Array.from(values), [values.length], 'u32');
}

export function labelsFor(batch: number, classes: number, seed: number): Uint32Array {
  return Uint32Array.from(randomArray(batch, seed, 0, classes), Math.floor);
}

/** Row r's maximum m and Σ exp(x − m), from which both softmax references follow. */
function rowShift(x: ArrayLike<number>, r: number, cols: number): { m: number; s: number } {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]!);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j]! - m);
  return { m, s };
}

/** log-softmax of every row of x [rows, cols], float64. */
export function logSoftmaxRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const { m, s } = rowShift(x, r, cols);
    for (let j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + j]! - m - Math.log(s);
  }
  return out;
}

/** softmax of every row of x [rows, cols], float64. */
export function softmaxRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const { m, s } = rowShift(x, r, cols);
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.exp(x[r * cols + j]! - m) / s;
  }
  return out;
}

/** Per-row loss terms reduced as the kernel's `reduction` does. */
export function reduce(terms: Float64Array, reduction: Reduction): Float64Array {
  if (reduction === 'none') return terms;
  const total = terms.reduce((a, b) => a + b, 0);
  return Float64Array.of(reduction === 'mean' ? total / terms.length : total);
}

/** The gradient reaching row r of a loss over `B` rows (`seed`: the backward seed for 'none'). */
export const gRowOf = (reduction: Reduction, B: number, seed: Float32Array) => (r: number) =>
  reduction === 'none' ? seed[r]! : reduction === 'mean' ? 1 / B : 1;
