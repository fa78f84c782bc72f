// `gradwgsl reproduce kbfgs`: Goldfarb, Ren & Bahamou 2020 (K-BFGS, K-BFGS(L)) on the MNIST
// autoencoder at small scale (spec §11). The experiment itself (experiment.ts) takes its data
// loader as an argument, so browser pages can pass theirs; here it is the npm digits.
import { loadMnist } from '../../node/mnist.js';
import { kbfgsExperiment } from './experiment.js';

export const experiment = kbfgsExperiment(async () => (await loadMnist()).train);
