// RMSprop (Hinton's lecture 6e) with PyTorch's semantics (not centered): optional momentum and
// L2 weight decay.
import { rmspropUpdate, type RmspropHyper } from '../kernels/optim/rmsprop.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireBelowOne, requireNonNegative } from './optimizer.js';

export interface RMSpropOptions {
  /** Default 1e-2, as PyTorch. */
  lr?: number;
  /** Smoothing constant, default 0.99. */
  alpha?: number;
  /** Default 1e-8. */
  eps?: number;
  momentum?: number;
  weightDecay?: number;
}

export class RMSprop extends Optimizer {
  /** Fixed at construction (a compiled plan bakes them in); only `lr` can change. */
  readonly hyperparameters: Readonly<RmspropHyper>;

  constructor(params: readonly Tensor[], opts: RMSpropOptions = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, momentum = 0, weightDecay = 0 } = opts;
    requireBelowOne('RMSprop', 'alpha', alpha);
    requireNonNegative('RMSprop', 'eps', eps);
    requireNonNegative('RMSprop', 'momentum', momentum);
    requireNonNegative('RMSprop', 'weightDecay', weightDecay);
    super('RMSprop', params, lr, momentum > 0 ? ['square_avg', 'momentum_buffer'] : ['square_avg'], [0, 0], true);
    this.hyperparameters = { alpha, eps, momentum, weightDecay };
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    return rmspropUpdate(param, grad, slots.square_avg!, slots.momentum_buffer ?? null, hyper, this.hyperparameters);
  }
}
