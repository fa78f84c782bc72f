// Synthetic label noise for noisy-label experiments (GCE, Zhang & Sabuncu 2018 §4): uniform
// (symmetric) noise and class-dependent pair flips, seeded, applied once to a label array.
// Each generator reports the rate it actually realised, since Bernoulli draws only approach the
// requested one.
import { fail } from '../device/errors.js';
import { makeDataset, type Dataset } from './batches.js';
import { SeededRng } from './rng.js';

/** Class-dependent noise: with probability `rate` a label of class `from` becomes `pairs[from]`. */
export type PairMap = Readonly<Record<number, number>>;

/** CIFAR-10 (Patrini et al. 2017, reused by GCE): truck→automobile, bird→airplane, deer→horse, cat↔dog. */
export const CIFAR10_PAIRS: PairMap = { 9: 1, 2: 0, 4: 7, 3: 5, 5: 3 };

/** Fashion-MNIST (GCE, as recalled in our spec): boot→sneaker, sneaker→sandal, pullover→shirt, coat↔dress. */
export const FASHION_MNIST_PAIRS: PairMap = { 9: 7, 7: 5, 2: 6, 4: 3, 3: 4 };

/**
 * MNIST digits (our choice; the paper has no MNIST map): pairs of look-alike digits,
 * 7→1, 2→7, 5↔6, 3→8.
 */
export const MNIST_PAIRS: PairMap = { 7: 1, 2: 7, 5: 6, 6: 5, 3: 8 };

export interface NoisyLabels {
  labels: Uint32Array;
  /** 1 where the label differs from the clean one. */
  corrupted: Uint8Array;
  /** Fraction of all labels that changed. */
  realisedRate: number;
  /** Fraction of the eligible labels (every label for uniform noise, source classes for pairs) that changed. */
  eligibleRate: number;
}

interface CommonOptions {
  /** Probability that an eligible label is corrupted, in [0, 1]. */
  rate: number;
  seed: number;
  /** Corrupt exactly round(rate · eligible) labels, chosen uniformly, instead of independent flips. */
  exact?: boolean;
}

export interface UniformNoiseOptions extends CommonOptions {
  /**
   * Draw the replacement among all classes, so it may equal the true one (realised rate
   * rate · (C−1)/C). Default false: among the other C − 1 classes, so `rate` is the corruption rate.
   */
  includeTrue?: boolean;
}

export interface PairNoiseOptions extends CommonOptions {
  pairs: PairMap;
}

/** A separate random stream per generator, so the two kinds of noise never share draws. */
const UNIFORM_STREAM = 0x6e6f6931;
const PAIR_STREAM = 0x6e6f6932;

function checkCommon(what: string, clean: Uint32Array, classes: number, rate: number): void {
  if (!Number.isInteger(classes) || classes < 2) fail(`${what}: classes = ${classes} must be an integer >= 2`);
  if (!(rate >= 0 && rate <= 1)) fail(`${what}: rate = ${rate} must be in [0, 1]`);
  const bad = clean.findIndex((y) => y >= classes);
  if (bad >= 0) fail(`${what}: label ${clean[bad]} of example ${bad} is not a class index in [0, ${classes})`);
}

/** Which of the `eligible` indices to corrupt: independent Bernoulli(rate) draws, or exactly round(rate · n). */
function pickCorrupted(eligible: readonly number[], rate: number, exact: boolean, rng: SeededRng): number[] {
  if (!exact) return eligible.filter(() => rng.nextFloat() < rate);
  const picked = [...eligible];
  const count = Math.round(rate * picked.length);
  // Partial Fisher–Yates: the first `count` slots end up a uniform sample without replacement.
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(picked.length - i);
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.slice(0, count).sort((a, b) => a - b);
}

function result(clean: Uint32Array, labels: Uint32Array, eligible: number): NoisyLabels {
  const corrupted = Uint8Array.from(labels, (y, i) => (y !== clean[i] ? 1 : 0));
  const changed = corrupted.reduce((s, c) => s + c, 0);
  return { labels, corrupted, realisedRate: clean.length ? changed / clean.length : 0, eligibleRate: eligible ? changed / eligible : 0 };
}

/** Uniform noise: each label, with probability `rate`, is replaced by a uniformly drawn class. */
export function uniformNoise(clean: Uint32Array, classes: number, opts: UniformNoiseOptions): NoisyLabels {
  checkCommon('uniformNoise', clean, classes, opts.rate);
  const rng = new SeededRng(opts.seed, UNIFORM_STREAM);
  const labels = Uint32Array.from(clean);
  const all = Array.from(clean, (_, i) => i);
  for (const i of pickCorrupted(all, opts.rate, !!opts.exact, rng)) {
    if (opts.includeTrue) labels[i] = rng.below(classes);
    else {
      // A uniform draw among the C − 1 other classes: skip over the true one.
      const d = rng.below(classes - 1);
      labels[i] = d >= clean[i]! ? d + 1 : d;
    }
  }
  return result(clean, labels, clean.length);
}

/** Class-dependent noise: labels of each source class flip to its paired class with probability `rate`. */
export function pairNoise(clean: Uint32Array, classes: number, opts: PairNoiseOptions): NoisyLabels {
  checkCommon('pairNoise', clean, classes, opts.rate);
  const sources = new Map<number, number>();
  for (const [from, to] of Object.entries(opts.pairs)) {
    const f = Number(from);
    if (!(Number.isInteger(f) && f >= 0 && f < classes && Number.isInteger(to) && to >= 0 && to < classes)) {
      fail(`pairNoise: pair ${from}→${to} must map a class in [0, ${classes}) to a class in [0, ${classes})`);
    }
    if (f === to) fail(`pairNoise: pair ${from}→${to} maps a class to itself; leave it out`);
    sources.set(f, to);
  }
  const rng = new SeededRng(opts.seed, PAIR_STREAM);
  const labels = Uint32Array.from(clean);
  const eligible = Array.from(clean, (_, i) => i).filter((i) => sources.has(clean[i]!));
  for (const i of pickCorrupted(eligible, opts.rate, !!opts.exact, rng)) labels[i] = sources.get(clean[i]!)!;
  return result(clean, labels, eligible.length);
}

/** The same examples with other labels (noisy ones), as a new data set. */
export function withLabels(ds: Dataset, labels: Uint32Array, what = 'relabelled'): Dataset {
  if (labels.length !== ds.n) fail(`withLabels: ${labels.length} labels for ${ds.n} examples`);
  return makeDataset(ds.x, labels, ds.shape, ds.classes, what);
}
