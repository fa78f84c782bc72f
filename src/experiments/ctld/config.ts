// The CTLD reproduction's config, its profiles (the spec's protocol and a CI-sized one) and what
// a run returns.
import { TOY_SPEC, type ToyConfig, type ToyResult } from './toy.js';
import type { CtldTrainConfig, Method, MethodRun } from './train.js';

export interface CtldConfig {
  /** Training / test examples used (the first ones of the fixed split); 0: all. */
  trainSize: number;
  testSize: number;
  methods: Method[];
  seeds: number[];
  train: CtldTrainConfig;
  /** The barrier-crossing study (spec §10 A), or null to skip it. */
  toy: ToyConfig | null;
}

export interface CtldResult {
  config: CtldConfig;
  runs: MethodRun[];
  toy: ToyResult | null;
}

const SPEC_TRAIN: CtldTrainConfig = {
  hidden: [256, 256],
  epochs: 30,
  batchSize: 100,
  weightDecay: 1e-4,
  lr: 0.05,
  momentum: 0.9,
  lrDecayEpochs: [20, 25],
  adamLr: 1e-3,
  phase1Epochs: 10,
  switchCapSteps: 80,
  sgldLr: 0.05,
  ctldLr: 0.05,
  friction: 0.1,
  temperature: 0.01,
  gMin: 0.1,
  alphaEta: 1e-3,
  slowAlphaEta: 1e-4,
  alphaFriction: 0.1,
  alphaWall: 1000,
  bins: 20,
};

export const DEFAULT_CONFIG: CtldConfig = {
  trainSize: 0,
  testSize: 0,
  methods: ['sgdm', 'adam', 'sgld', 'ctld', 'ctld-slow-alpha'],
  seeds: [1, 2, 3],
  train: SPEC_TRAIN,
  toy: TOY_SPEC,
};

/**
 * CI-sized: 1,000 digits, one hidden layer of 64, 16 epochs (8 of them phase 1), 3 seeds. η_α scales like 1/N (U~ − Abar
 * grows with N), so it is 8× the spec's for 8× fewer examples, and the walls' k_w 8× softer
 * (η_α · k_w = 1 as in the spec). Judged by the spec's bars like the full protocol (verdicts.ts).
 * The toy study runs at the spec's own size (6 seeds × 20,000 steps, every seed a chain of one
 * batched sampler: minutes on lavapipe).
 */
export const QUICK_CONFIG: CtldConfig = {
  trainSize: 1000,
  testSize: 1000,
  methods: ['sgdm', 'adam', 'ctld', 'ctld-slow-alpha'],
  seeds: [1, 2, 3],
  train: {
    ...SPEC_TRAIN,
    hidden: [64],
    epochs: 16,
    batchSize: 50,
    lrDecayEpochs: [12, 14],
    phase1Epochs: 8,
    switchCapSteps: 20,
    alphaEta: 8e-3,
    slowAlphaEta: 8e-4,
    alphaWall: 125,
  },
  toy: TOY_SPEC,
};
