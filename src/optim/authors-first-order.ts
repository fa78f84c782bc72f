// The K-BFGS authors' first-order baselines (our spec §7): SGD-momentum, Adam and RMSprop on the
// momentum-EMA gradient D, with their quirks (second moment of D², β₂ = 0.9, bias corrections
// 1/(1 − 0.9ᵗ) for Adam, none for RMSprop). The textbook Adam is src/optim/adam.ts.
import { fail } from '../device/errors.js';
import { runtime } from '../graph/runtime.js';
import { authorsUpdate, accumulateSecondMoment, type AuthorsHyper, type AuthorsMode } from '../kernels/optim/authors-first-order.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireBelowOne, requireNonNegative } from './optimizer.js';
import { AUTHORS_DEFAULTS } from './second-order/method.js';

export interface AuthorsOptions {
  lr: number;
  /** ρ of D (default 0.9). */
  momentum?: number;
  /** β₂ (default 0.9, the authors'). */
  beta2?: number;
  /** ε (default 1e-4, the authors' untuned value). */
  eps?: number;
  /** τ (default 1e-5). */
  weightDecay?: number;
}

const NAMES: Record<AuthorsMode, string> = { sgd: 'SGD-m (authors)', adam: 'Adam (authors)', rmsprop: 'RMSprop (authors)' };

export class AuthorsFirstOrder extends Optimizer {
  readonly hyperparameters: Readonly<AuthorsHyper>;
  readonly name: string;

  constructor(mode: AuthorsMode, params: readonly Tensor[], opts: AuthorsOptions) {
    if (!(mode in NAMES)) fail(`AuthorsFirstOrder: mode '${mode}' must be one of ${Object.keys(NAMES).join(', ')}`);
    const { lr, momentum = AUTHORS_DEFAULTS.momentum, beta2 = 0.9, eps = 1e-4, weightDecay = AUTHORS_DEFAULTS.weightDecay } = opts;
    const what = NAMES[mode];
    requireBelowOne(what, 'momentum', momentum);
    requireBelowOne(what, 'beta2', beta2);
    requireNonNegative(what, 'eps', eps);
    requireNonNegative(what, 'weightDecay', weightDecay);
    // Only Adam bias-corrects (D by 1 − ρᵗ, v by 1 − β₂ᵗ).
    super(what, params, lr, ['momentum', 'second'], mode === 'adam' ? [1 - momentum, 1 - beta2] : [0, 0]);
    this.name = what;
    this.hyperparameters = { mode, rho: momentum, beta2, eps, tau: weightDecay };
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    return authorsUpdate(param, grad, slots.momentum!, slots.second!, hyper, this.hyperparameters);
  }

  /**
   * Adds scale·(grad + τθ)² to the second moment of every parameter with a gradient (call after
   * backward(), eagerly or inside compile()): RMSprop's warm start, with scale = 1/batches.
   */
  accumulateSecondMoment(scale: number): void {
    const slots = this.state();
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      const effect = accumulateSecondMoment(slots[`${i}.second`]!, p, p.grad, this.hyperparameters.tau, scale);
      // Eagerly the kernel is already queued; while tracing the plan still needs the effect.
      if (!runtime().tracing) effect.dispose();
    });
  }
}
