// The CTLD reproduction for the CLI: the browser-safe experiment with the embedded MNIST.
import { loadMnist } from '../../node/mnist.js';
import { ctldExperiment } from './experiment.js';

export const experiment = ctldExperiment(loadMnist);
