// The update kernels of the K-BFGS authors' first-order baselines, SGD-momentum, Adam and
// RMSprop on the momentum EMA D (shaders/optim/authors-first-order.wgsl), and the warm start of
// their second moment. The optimizer is src/optim/authors-first-order.ts.
import source from '../../../shaders/optim/authors-first-order.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { Kernel } from '../../device/kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { hyperSource } from './hyper.js';
import { checkPerElement, inPlaceUpdate, parameterUpdate } from './update.js';

export const AUTHORS_MODES = new CodeTable('MODE', ['sgd', 'adam', 'rmsprop'] as const);
export type AuthorsMode = (typeof AUTHORS_MODES.names)[number];

const sources = AUTHORS_MODES.withSource('optim/authors-first-order', POISON_WGSL, hyperSource, source);
const stepKernel = new Kernel({ name: 'optim/authors-first-order', source: sources, entry: 'main' });
const warmKernel = new Kernel({ name: 'optim/authors-second-moment', source: sources, entry: 'warm' });

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
    { MODE: AUTHORS_MODES.code[h.mode] },
  );
}

/** second ← second + scale·(grad + τ·param)² (a warm start of the second moment); an effect. */
export function accumulateSecondMoment(second: Tensor, param: Tensor, grad: Tensor, tau: number, scale: number): Tensor {
  checkPerElement('accumulateSecondMoment', param, { grad, second });
  return inPlaceUpdate(warmKernel, { wparam: param, wgrad: grad, wsecond: second }, { n: param.numel, tau, scale }, {}, param.numel);
}
