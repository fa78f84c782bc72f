// Configuration and result types of the normalization-free reproduction (spec:
// shared/mission/papers/normalization-free.md §7), the full protocol and the quick CI profile.
import type { Variant } from './model.js';
import type { NormfreeRunResult } from './train.js';

export interface NormfreeConfig {
  depths: number[];
  width: number;
  variants: Variant[];
  /** Peak learning rate of every variant but BN. */
  lr: number;
  /** BN runs at each of these and the better one (on test) counts. */
  bnLrs: number[];
  epochs: number;
  batchSize: number;
  seeds: number[];
  /** Training images in the init signal-propagation probe. */
  probeBatch: number;
}

/** Mean squared activation after every block at init (index 0 = after block 1). */
export interface SignalCurve {
  variant: Variant;
  depth: number;
  /** After the stem, before block 1. */
  stem: number;
  blocks: number[];
}

export interface NormfreeResult {
  config: NormfreeConfig;
  signal: SignalCurve[];
  runs: NormfreeRunResult[];
  seconds: number;
}

export const DEFAULT_CONFIG: NormfreeConfig = {
  depths: [20, 50, 100],
  width: 64,
  variants: ['plain', 'bn', 'rescale', 'rescale-noalpha', 'rescale-nocenter'],
  lr: 0.05,
  bnLrs: [0.02, 0.05],
  epochs: 5,
  batchSize: 128,
  seeds: [0, 1, 2],
  probeBatch: 512,
};

/** The spec's CI profile: K ∈ {20, 50}, 2 epochs, 1 seed; N2 at K = 50 with 85 %, N3 within 2 points. */
export const QUICK_CONFIG: NormfreeConfig = {
  ...DEFAULT_CONFIG,
  depths: [20, 50],
  epochs: 2,
  seeds: [0],
};
