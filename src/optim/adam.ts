// Adam (Kingma & Ba 2015) with PyTorch's semantics: bias-corrected moments, L2 weight decay,
// or decoupled weight decay (AdamW, Loshchilov & Hutter 2019) with `decoupled: true`.
import { adamUpdate, type AdamHyper } from '../kernels/optim/adam.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireBelowOne, requireNonNegative } from './optimizer.js';

export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  weightDecay?: number;
  /** AdamW: w ← w·(1 − lr·weightDecay) instead of adding weightDecay·w to the gradient. */
  decoupled?: boolean;
}

export class Adam extends Optimizer {
  /** Fixed at construction (a compiled plan bakes them in); only `lr` can change. */
  readonly hyperparameters: Readonly<AdamHyper>;

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, decoupled = false } = opts;
    const [beta1, beta2] = betas;
    requireBelowOne('Adam', 'betas[0]', beta1);
    requireBelowOne('Adam', 'betas[1]', beta2);
    requireNonNegative('Adam', 'eps', eps);
    requireNonNegative('Adam', 'weightDecay', weightDecay);
    super('Adam', params, lr, ['exp_avg', 'exp_avg_sq'], [1 - beta1, 1 - beta2], true);
    this.hyperparameters = { beta1, beta2, eps, weightDecay, decoupled };
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    return adamUpdate(param, grad, slots.exp_avg!, slots.exp_avg_sq!, hyper, this.hyperparameters);
  }
}
