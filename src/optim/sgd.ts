// Stochastic gradient descent with PyTorch's semantics: momentum, Nesterov, weight decay (L2).
import { fail } from '../device/errors.js';
import { sgdUpdate, type SgdHyper } from '../kernels/optim/sgd.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireNonNegative } from './optimizer.js';

export interface SGDOptions {
  /** Default 1e-3, as PyTorch. */
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class SGD extends Optimizer {
  /** Fixed at construction (a compiled plan bakes them in); only `lr` can change. */
  readonly hyperparameters: Readonly<SgdHyper>;

  constructor(params: readonly Tensor[], opts: SGDOptions = {}) {
    const { lr = 1e-3, momentum = 0, nesterov = false, weightDecay = 0 } = opts;
    requireNonNegative('SGD', 'momentum', momentum);
    requireNonNegative('SGD', 'weightDecay', weightDecay);
    if (nesterov && momentum === 0) fail('SGD: Nesterov momentum needs momentum > 0');
    super('SGD', params, lr, momentum > 0 ? ['momentum_buffer'] : [], [0, 0], true);
    this.hyperparameters = { momentum, nesterov, weightDecay };
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    return sgdUpdate(param, grad, slots.momentum_buffer ?? null, hyper, this.hyperparameters);
  }
}
