// `gradwgsl reproduce overparam`: Zou & Gu 2019, "An Improved Analysis of Training
// Over-parameterized Deep Neural Networks" — its predictions checked on small deep ReLU nets
// trained by full-batch GD (spec: shared/mission/papers/overparam-convergence.md §6).
import type { Experiment, ProgressFn } from '../experiment.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type OverparamConfig, type OverparamResult } from './config.js';
import { report } from './report.js';
import { runSweeps } from './sweeps.js';

export { DEFAULT_CONFIG, QUICK_CONFIG, report };
export { judge, type Check } from './criteria.js';
export type { OverparamConfig, OverparamResult, SweepPoint } from './config.js';

export async function runOverparam(config: OverparamConfig, progress?: ProgressFn): Promise<OverparamResult> {
  const started = performance.now();
  const sweeps = await runSweeps(config, progress);
  return { config, ...sweeps, seconds: (performance.now() - started) / 1000 };
}

export const experiment: Experiment<OverparamConfig, OverparamResult> = {
  name: 'overparam',
  title: 'Global convergence of over-parameterized deep ReLU nets under gradient descent',
  paper: 'Zou & Gu 2019, An Improved Analysis of Training Over-parameterized Deep Neural Networks (NeurIPS)',
  quickConfig: QUICK_CONFIG,
  defaultConfig: DEFAULT_CONFIG,
  run: runOverparam,
  report,
};
