// Configuration and result types of the FP8 training reproduction, with the spec's full
// protocol (§8) and a quick CI profile.
import type { AccumulationCell } from './accumulation.js';
import type { MnistRunResult, MnistVariant } from './mnist.js';
import type { SwampingResult } from './swamping.js';

export interface LrBudget {
  lr: number;
  epochs: number;
}

export interface Fp8Config {
  /** §8 A: sum lengths and seeds. */
  accumulation: { sizes: number[]; seeds: number[] };
  /** §8 B: weights and updates of 2^-12 each. */
  swamping: { elements: number; steps: number; seed: number };
  /** §8 C. */
  mnist: {
    seeds: number[];
    /** Use the first n examples of the fixed 8,000 / 2,000 split (null: all). */
    trainExamples: number | null;
    testExamples: number | null;
    batchSize: number;
    hidden: number[];
    /** Criterion (i): FP32 vs paper config. */
    high: LrBudget;
    /** Criterion (ii): FP32, paper config and round-to-nearest update. */
    low: LrBudget;
    /** Extra ablations (no pass bar), at the high learning rate. */
    ablations: MnistVariant[];
    /** Seeds of the ablation runs. */
    ablationSeeds: number[];
    /** Batch of the no-chunking ablation, so the weight-gradient reduction is long. */
    noChunkingBatch: number;
  };
}

export interface Fp8Result {
  accumulation: AccumulationCell[];
  swamping: SwampingResult[];
  mnist: MnistRunResult[];
}

export const DEFAULT_CONFIG: Fp8Config = {
  accumulation: { sizes: [1024, 4096, 16384, 65536], seeds: [1, 2, 3] },
  swamping: { elements: 1000, steps: 1000, seed: 1 },
  mnist: {
    seeds: [1, 2, 3],
    trainExamples: null,
    testExamples: null,
    batchSize: 100,
    hidden: [256, 256],
    high: { lr: 0.02, epochs: 3 },
    low: { lr: 0.002, epochs: 2 },
    ablations: ['all-fp8', 'no-chunking', 'binary16', 'block-fp8'],
    ablationSeeds: [1],
    noChunkingBatch: 1000,
  },
};

/** A and B in full (they take seconds); C on fewer examples, one seed, no ablations. */
export const QUICK_CONFIG: Fp8Config = {
  ...DEFAULT_CONFIG,
  mnist: {
    ...DEFAULT_CONFIG.mnist,
    seeds: [1],
    trainExamples: 2000,
    testExamples: 1000,
    high: { lr: 0.02, epochs: 1 },
    low: { lr: 0.002, epochs: 1 },
    ablations: [],
  },
};
