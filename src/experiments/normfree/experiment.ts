// `gradwgsl reproduce normfree`: Shao et al. 2020, "Is normalization indispensable for training
// deep neural networks?", at MNIST scale (spec: shared/mission/papers/normalization-free.md §7).
// Browser-safe: the data arrive through the loader passed in (index.ts gives the Node one).
import type { TrainTest } from '../../data/batches.js';
import type { Experiment } from '../experiment.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type NormfreeConfig, type NormfreeResult } from './config.js';
import { report } from './report.js';
import { runNormfree } from './run.js';

export function normfreeExperiment(loadData: () => Promise<TrainTest>): Experiment<NormfreeConfig, NormfreeResult> {
  return {
    name: 'normfree',
    title: 'Training deep residual nets without normalization (rescaling + centering biases)',
    paper: 'Shao, Hu, Wang, Xue, Raj 2020, Is normalization indispensable for training deep neural network? (NeurIPS)',
    quickConfig: QUICK_CONFIG,
    defaultConfig: DEFAULT_CONFIG,
    run: async (config, progress) => runNormfree(config, await loadData(), progress),
    report,
  };
}
