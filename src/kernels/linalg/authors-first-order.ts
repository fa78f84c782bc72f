// The K-BFGS authors' SGD-momentum / Adam / RMSprop update (shaders/linalg/authors-first-order.wgsl).
import source from '../../../shaders/linalg/authors-first-order.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { grid1d } from '../grid.js';
import { Kernel } from '../kernel.js';
import { hyperSource } from '../optim/hyper.js';
import { parameterUpdate } from '../optim/update.js';
import { recordEffect, requireShape } from './effect.js';

const stepKernel = new Kernel({ name: 'linalg/authors-first-order', source: [hyperSource, source], entry: 'main' });
const warmKernel = new Kernel({ name: 'linalg/authors-second-moment', source: [hyperSource, source], entry: 'warm' });

export type AuthorsMode = 'sgd' | 'adam' | 'rmsprop';
const MODES: Record<AuthorsMode, number> = { sgd: 0, adam: 1, rmsprop: 2 };

export interface AuthorsHyper {
  mode: AuthorsMode;
  /** ρ of the gradient EMA D. */
  rho: number;
  /** β₂ of the EMA of D². */
  beta2: number;
  eps: number;
  /** τ, the L2 term added to the gradient. */
  tau: number;
}

/** One fused in-place step of a parameter, its D (`momentum`) and v (`second`). */
export function authorsUpdate(param: Tensor, grad: Tensor, momentum: Tensor, second: Tensor, hyper: Tensor, h: AuthorsHyper): Tensor {
  return parameterUpdate(
    stepKernel,
    param,
    { grad, momentum, second },
    hyper,
    { rho: h.rho, one_minus_rho: 1 - h.rho, beta2: h.beta2, one_minus_beta2: 1 - h.beta2, eps: h.eps, tau: h.tau },
    { MODE: MODES[h.mode] },
  );
}

/** second ← second + scale·(grad + τ·param)² (a warm start of the second moment). */
export function accumulateSecondMoment(second: Tensor, param: Tensor, grad: Tensor, tau: number, scale: number): void {
  requireShape('accumulateSecondMoment', 'grad', grad, param.shape);
  requireShape('accumulateSecondMoment', 'second', second, param.shape);
  recordEffect('accumulateSecondMoment', { wparam: param, wgrad: grad, wsecond: second }, (ctx, refs) =>
    ctx.dispatch({ kernel: warmKernel, bind: refs, uniforms: { n: param.numel, tau, scale }, workgroups: grid1d(param.numel) }),
  );
}
