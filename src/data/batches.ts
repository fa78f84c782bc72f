// Labelled examples in flat CPU arrays, and the seeded shuffling and batching a training loop
// walks through them with. Batches are typed-array views (nothing allocated per batch), ready to upload.
import { fail } from '../device/errors.js';
import { fmt, numel } from '../tensor/shape.js';
import { SeededRng } from './rng.js';

/** n labelled examples; x is row-major [n, ...shape], y holds one class index per example. */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Uint32Array;
  readonly n: number;
  /** The shape of one example, channels first: [1, 28, 28] for MNIST, [3, 32, 32] for CIFAR-10. */
  readonly shape: readonly number[];
  /** Labels lie in [0, classes). */
  readonly classes: number;
}

/** A data set's two fixed parts. */
export interface TrainTest {
  train: Dataset;
  test: Dataset;
}

/** Checks that the arrays agree with each other and wraps them; `what` names the source in errors. */
export function makeDataset(x: Float32Array, y: Uint32Array, shape: readonly number[], classes: number, what: string): Dataset {
  const size = numel(shape);
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) fail(`${what}: example shape ${fmt(shape)} must have positive integer dimensions`);
  if (y.length === 0) fail(`${what}: no examples`);
  if (x.length !== y.length * size) {
    fail(`${what}: ${y.length} labels need ${y.length} × ${size} = ${y.length * size} values for examples of shape ${fmt(shape)}, got ${x.length}`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i]! >= classes) fail(`${what}: label ${y[i]} of example ${i} is not a class index in [0, ${classes})`);
  }
  return { x, y, n: y.length, shape: [...shape], classes };
}

/** A new dataset holding copies of the examples at `indices`, in that order. */
export function subset(ds: Dataset, indices: ArrayLike<number>, what = 'subset'): Dataset {
  const size = numel(ds.shape);
  const x = new Float32Array(indices.length * size);
  const y = new Uint32Array(indices.length);
  gather(ds, indices, x, y);
  return makeDataset(x, y, ds.shape, ds.classes, what);
}

/**
 * A seeded uniform permutation of [0, n) (Fisher–Yates). The epoch is a separate random stream,
 * so epoch e's order depends only on (seed, e), never on how many epochs ran before.
 */
export function permutation(n: number, seed: number, epoch = 0): Uint32Array {
  if (!Number.isInteger(n) || n < 0) fail(`permutation: n = ${n} must be a non-negative integer`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new SeededRng(seed, epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

export interface BatchOptions {
  batchSize: number;
  /** Visit examples in a seeded random order (default) or in dataset order. */
  shuffle?: boolean;
  seed?: number;
  /** Part of the shuffle's seed: each epoch gets its own order. */
  epoch?: number;
  /** Skip the last batch when it has fewer than batchSize examples (default: keep it). */
  dropLast?: boolean;
}

export interface Batch {
  /** [size, ...shape] row-major. */
  x: Float32Array;
  y: Uint32Array;
  size: number;
  /** Which dataset examples this batch holds (a view of the epoch's order; stays valid). */
  indices: Uint32Array;
}

/**
 * One epoch of batches. Unshuffled batches are views of the dataset itself. Shuffled ones are
 * gathered into one buffer pair that the next batch overwrites: upload or copy each batch before
 * asking for the next (as a training loop does), instead of allocating per batch.
 */
export function* batches(ds: Dataset, options: BatchOptions): Generator<Batch> {
  const { batchSize, shuffle = true, seed = 0, epoch = 0, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) fail(`batches: batchSize ${batchSize} must be a positive integer`);
  const size = numel(ds.shape);
  const order = shuffle ? permutation(ds.n, seed, epoch) : Uint32Array.from({ length: ds.n }, (_, i) => i);
  const xs = new Float32Array(shuffle ? Math.min(batchSize, ds.n) * size : 0);
  const ys = new Uint32Array(shuffle ? Math.min(batchSize, ds.n) : 0);
  for (let start = 0; start < ds.n; start += batchSize) {
    const count = Math.min(batchSize, ds.n - start);
    if (count < batchSize && dropLast) return;
    const indices = order.subarray(start, start + count);
    if (shuffle) {
      gather(ds, indices, xs, ys);
      yield { x: xs.subarray(0, count * size), y: ys.subarray(0, count), size: count, indices };
    } else {
      yield { x: ds.x.subarray(start * size, (start + count) * size), y: ds.y.subarray(start, start + count), size: count, indices };
    }
  }
}

/** Copies the examples at `indices` to the front of `x` and `y`. */
function gather(ds: Dataset, indices: ArrayLike<number>, x: Float32Array, y: Uint32Array): void {
  const size = numel(ds.shape);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= ds.n) fail(`gather: index ${k} is not one of the dataset's ${ds.n} examples`);
    x.set(ds.x.subarray(k * size, (k + 1) * size), i * size);
    y[i] = ds.y[k]!;
  }
}
