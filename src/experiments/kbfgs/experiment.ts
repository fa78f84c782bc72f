// The K-BFGS reproduction as an Experiment: configs, run() and report(), with the training data
// supplied by the caller (no Node modules here).
import type { Dataset } from '../../data/batches.js';
import { subset } from '../../data/batches.js';
import type { Experiment } from '../experiment.js';
import { runProtocol, type KbfgsConfig, type KbfgsResult } from './protocol.js';
import { kbfgsReport } from './report.js';

/** Spec §11: 784-256-128-32-128-256-784, 8,000 digits, batch 500, 10 epochs, seeds 0 and 1. */
export const DEFAULT_CONFIG: KbfgsConfig = {
  widths: [784, 256, 128, 32, 128, 256, 784],
  trainSize: 8000,
  batchSize: 500,
  epochs: 10,
  seeds: [0, 1],
  kbfgsGrid: [0.1, 0.15, 0.3, 1].flatMap((lr) => [0.3, 1, 3].map((d) => [lr, d] as [number, number])),
  kfacGrid: [0.1, 0.15, 0.3, 1].flatMap((lr) => [0.3, 1, 3].map((d) => [lr, d] as [number, number])),
  adamLrs: [3e-4, 1e-3, 3e-3],
  sgdLrs: [0.01, 0.03],
  authorsAdamLrs: [],
  authorsRmspropLrs: [],
  lbfgsMemory: 20,
};

/**
 * The CI profile: a narrower autoencoder on 2,000 digits for 3 epochs, each method at the
 * setting that won the full grid in the spec's calibration, one seed.
 */
export const QUICK_CONFIG: KbfgsConfig = {
  widths: [784, 64, 16, 64, 784],
  trainSize: 2000,
  batchSize: 250,
  epochs: 3,
  seeds: [0],
  kbfgsGrid: [[0.15, 1]],
  kfacGrid: [[1, 1]],
  adamLrs: [3e-3],
  sgdLrs: [0.03],
  authorsAdamLrs: [],
  authorsRmspropLrs: [],
  lbfgsMemory: 20,
};

export function kbfgsExperiment(loadTrain: () => Promise<Dataset>): Experiment<KbfgsConfig, KbfgsResult> {
  return {
    name: 'kbfgs',
    title: 'K-BFGS and K-BFGS(L) vs K-FAC, Adam and SGD-m on an MNIST autoencoder',
    paper: 'Goldfarb, Ren & Bahamou 2020, Practical Quasi-Newton Methods for Training Deep Neural Networks',
    quickConfig: QUICK_CONFIG,
    defaultConfig: DEFAULT_CONFIG,
    async run(config, progress) {
      const all = await loadTrain();
      const train = subset(all, Uint32Array.from({ length: Math.min(config.trainSize, all.n) }, (_, i) => i), 'kbfgs train');
      return runProtocol(config, train, progress);
    },
    report: kbfgsReport,
  };
}
