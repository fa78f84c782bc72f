// `gradwgsl reproduce normfree`: Shao et al. 2020, "Is normalization indispensable for training
// deep neural networks?", at MNIST scale (spec: shared/mission/papers/normalization-free.md §7).
import { loadMnist } from '../../data/mnist.js';
import type { Experiment } from '../experiment.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type NormfreeConfig, type NormfreeResult } from './config.js';
import { report } from './report.js';
import { runNormfree } from './run.js';

export { DEFAULT_CONFIG, QUICK_CONFIG, report, runNormfree };
export { judge, type Verdict } from './criteria.js';
export type { NormfreeConfig, NormfreeResult, SignalCurve } from './config.js';
export type { NormfreeRun, NormfreeRunResult } from './train.js';

export const experiment: Experiment<NormfreeConfig, NormfreeResult> = {
  name: 'normfree',
  title: 'Training deep residual nets without normalization (rescaling + centering biases)',
  paper: 'Shao, Hu, Wang, Xue, Raj 2020, Is normalization indispensable for training deep neural network? (NeurIPS)',
  quickConfig: QUICK_CONFIG,
  defaultConfig: DEFAULT_CONFIG,
  // Node: the embedded digits; a browser page calls runNormfree with its own copy.
  run: async (config, progress) => runNormfree(config, await loadMnist(), progress),
  report,
};
