// The normfree reproduction for the CLI: the browser-safe experiment with the embedded MNIST.
import { loadMnist } from '../../node/mnist.js';
import { normfreeExperiment } from './experiment.js';

export const experiment = normfreeExperiment(loadMnist);

export { DEFAULT_CONFIG, QUICK_CONFIG } from './config.js';
export { report } from './report.js';
export { runNormfree } from './run.js';
export { judge, type Verdict } from './criteria.js';
export type { NormfreeConfig, NormfreeResult, SignalCurve } from './config.js';
export type { NormfreeRun, NormfreeRunResult } from './train.js';
