// Stochastic gradient Langevin dynamics (Welling & Teh 2011) on the same kernel as CTLD: the
// friction-1, untempered case, θ ← θ − lr (∇L + wd θ) + sqrt(2 lr T0 / N) ξ with L the mean
// minibatch loss (a step of η = lr / N on the summed potential U at temperature T0).
import type { Tensor } from '../tensor/tensor.js';
import { CTLD } from './ctld.js';

export interface SGLDOptions {
  /** Learning rate on the mean loss (η = lr / N). */
  lr: number;
  /** N, the number of training examples. */
  dataSize: number;
  /** T0; 1 samples the posterior. Default 0.01 (our MNIST calibration, ctld spec §5). */
  temperature?: number;
  weightDecay?: number;
  seed?: number;
}

export class SGLD extends CTLD {
  constructor(params: readonly Tensor[], opts: SGLDOptions) {
    // The velocity buffer then only carries the step: (1 − 1)·v drops the previous one.
    super(params, { ...opts, friction: 1, tempering: false }, 'SGLD');
  }
}
