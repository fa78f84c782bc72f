// The GCE reproduction's data (spec §8): a seeded train / noisy-validation split of a data set's
// training part, label noise applied once to both, and the clean test part.
import { permutation, subset, type TrainTest } from '../../data/batches.js';
import { CIFAR10_PAIRS, FASHION_MNIST_PAIRS, MNIST_PAIRS, pairNoise, uniformNoise, withLabels, type PairMap } from '../../data/noise.js';
import { fail } from '../../device/errors.js';
import type { NoisySplit } from './train.js';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

/** Class-dependent noise pairs per data set (MNIST's is our choice, see src/data/noise.ts). */
export const PAIRS: Readonly<Record<DatasetName, PairMap>> = {
  mnist: MNIST_PAIRS,
  'fashion-mnist': FASHION_MNIST_PAIRS,
  cifar10: CIFAR10_PAIRS,
};

export interface NoiseSetting {
  kind: 'none' | 'uniform' | 'pair';
  rate: number;
}

export function noiseLabel(n: NoiseSetting): string {
  if (n.kind === 'none') return 'clean';
  return `${n.kind === 'uniform' ? 'uniform' : 'class-dep'} ${n.rate}`;
}

export interface SplitSizes {
  train: number;
  val: number;
  /** Clean test examples used (the first ones of the test part); 0: all. */
  test: number;
}

/** The split and its noise, reproducible from `seed`; also the realised corruption rate. */
export function noisySplit(data: TrainTest, dataset: DatasetName, sizes: SplitSizes, noise: NoiseSetting, seed: number): NoisySplit & { realisedRate: number } {
  const { train, test } = data;
  if (sizes.train + sizes.val > train.n) fail(`gce: ${sizes.train} training + ${sizes.val} validation examples exceed the ${train.n} available`);
  const order = permutation(train.n, seed ^ 0x5a17);
  const pool = subset(train, order.subarray(0, sizes.train + sizes.val), 'gce train+val');
  const noisy =
    noise.kind === 'none'
      ? { labels: pool.y, corrupted: new Uint8Array(pool.n), realisedRate: 0 }
      : noise.kind === 'uniform'
        ? uniformNoise(pool.y, pool.classes, { rate: noise.rate, seed })
        : pairNoise(pool.y, pool.classes, { rate: noise.rate, seed, pairs: PAIRS[dataset] });
  const labelled = withLabels(pool, noisy.labels, 'gce noisy');
  const trainIdx = Array.from({ length: sizes.train }, (_, i) => i);
  const valIdx = Array.from({ length: sizes.val }, (_, i) => sizes.train + i);
  const testCount = sizes.test > 0 ? Math.min(sizes.test, test.n) : test.n;
  return {
    train: subset(labelled, trainIdx, 'gce train'),
    trainCorrupted: noisy.corrupted.slice(0, sizes.train),
    val: subset(labelled, valIdx, 'gce validation'),
    test: testCount === test.n ? test : subset(test, Array.from({ length: testCount }, (_, i) => i), 'gce test'),
    realisedRate: noisy.realisedRate,
  };
}
