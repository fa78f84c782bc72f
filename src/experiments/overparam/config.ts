// Configuration and result types of the over-parameterized GD reproduction (spec:
// shared/mission/papers/overparam-convergence.md §6): the full protocol and the quick CI profile.
import type { ReluMode } from './net.js';
import type { RunRecord } from './records.js';

export interface SweepBudget {
  /** Initialisation seeds (each a member of the same compiled group). */
  seeds: number[];
  /** Most GD updates per run. */
  tmax: number;
  /** Stop at loss ≤ relStop × initial loss. */
  relStop: number;
}

export interface OverparamConfig {
  /** Input dimension d. */
  inputs: number;
  /** Hidden layers L. */
  layers: number;
  /** c in eta = c / (L·m). */
  lrScale: number;
  /** Seed of every data set (E1 and E2 share the same points; E3's pairs differ only by phi). */
  dataSeed: number;
  /** E1, width sweep. */
  e1: SweepBudget & { n: number; widths: number[] };
  /** E2, sample-size sweep. */
  e2: SweepBudget & { width: number; ns: number[] };
  /** E3, separation sweep: `pairs` pairs at chord distance phi with opposite labels. */
  e3: SweepBudget & { width: number; pairs: number; phis: number[] };
  /** Steps between read-backs of the stop flags. */
  chunk: number;
}

/** How a run deviates from the analysed setting (the controls); the default is none. */
export interface Setting {
  trained: 'hidden' | 'output';
  relu: ReluMode;
}

export const ANALYSED: Setting = { trained: 'hidden', relu: 'correct' };

/** One sweep point: every seed's run on the same data. */
export interface SweepPoint {
  width: number;
  n: number;
  /** E3's chord distance (null elsewhere). */
  phi: number | null;
  /** The data's measured separation. */
  minDistance: number;
  lr: number;
  runs: RunRecord[];
}

export interface OverparamResult {
  config: OverparamConfig;
  e1: SweepPoint[];
  e2: SweepPoint[];
  e3: SweepPoint[];
  seconds: number;
}

export const DEFAULT_CONFIG: OverparamConfig = {
  inputs: 16,
  layers: 3,
  lrScale: 1,
  dataSeed: 1,
  e1: { n: 50, widths: [8, 16, 32, 64, 128, 256], seeds: [0, 1, 2], tmax: 4000, relStop: 1e-4 },
  e2: { width: 256, ns: [12, 25, 50, 100], seeds: [0, 1], tmax: 20000, relStop: 1e-4 },
  e3: { width: 128, pairs: 20, phis: [0.4, 0.2, 0.1, 0.05], seeds: [0, 1], tmax: 30000, relStop: 1e-4 },
  chunk: 200,
};

/**
 * The CI profile (spec §6 budget note, shrunk further to fit a software rasteriser): E1 with
 * m ≤ 128 and n = 30; E2 at m = 128 with n ∈ {12, 25, 50}, one seed; E3 at m = 64 with 10 pairs
 * and phi ∈ {0.4, 0.2, 0.1}, one seed, stopping at 1e-3 (the level C7 reads).
 */
export const QUICK_CONFIG: OverparamConfig = {
  ...DEFAULT_CONFIG,
  e1: { ...DEFAULT_CONFIG.e1, n: 30, widths: [8, 16, 32, 64, 128] },
  e2: { ...DEFAULT_CONFIG.e2, width: 128, ns: [12, 25, 50], seeds: [0] },
  e3: { ...DEFAULT_CONFIG.e3, width: 64, pairs: 10, phis: [0.4, 0.2, 0.1], seeds: [0], relStop: 1e-3 },
};
