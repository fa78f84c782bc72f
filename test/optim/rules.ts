// Float64 references of PyTorch's first-order update rules (torch.optim, single-tensor path),
// shared by the optimizer tests.
import type { AdamOptions } from '../../src/optim/adam.js';
import type { RMSpropOptions } from '../../src/optim/rmsprop.js';
import type { SGDOptions } from '../../src/optim/sgd.js';

export type RefState = Record<string, Float64Array>;
/** One step of one parameter in place; `t` is the 1-based step. */
export type RefRule = (p: Float64Array, g: Float64Array, s: RefState, t: number) => void;

export function sgdRef({ lr = 1e-3, momentum = 0, nesterov = false, weightDecay = 0 }: SGDOptions): RefRule {
  return (p, g, s, t) => {
    const buf = (s.buf ??= new Float64Array(p.length));
    for (let i = 0; i < p.length; i++) {
      let d = g[i]! + weightDecay * p[i]!;
      if (momentum) {
        buf[i] = t === 1 ? d : momentum * buf[i]! + d; // PyTorch clones the first gradient
        d = nesterov ? d + momentum * buf[i]! : buf[i]!;
      }
      p[i] = p[i]! - lr * d;
    }
  };
}

export function adamRef({ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, decoupled = false }: AdamOptions): RefRule {
  const [b1, b2] = betas;
  return (p, g, s, t) => {
    const m = (s.m ??= new Float64Array(p.length));
    const v = (s.v ??= new Float64Array(p.length));
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]!;
      if (decoupled) p[i] = p[i]! * (1 - lr * weightDecay);
      else d += weightDecay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * d;
      v[i] = b2 * v[i]! + (1 - b2) * d * d;
      p[i] = p[i]! - (lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps));
    }
  };
}

export function rmspropRef({ lr = 1e-2, alpha = 0.99, eps = 1e-8, momentum = 0, weightDecay = 0 }: RMSpropOptions): RefRule {
  return (p, g, s) => {
    const sq = (s.sq ??= new Float64Array(p.length));
    const buf = (s.buf ??= new Float64Array(p.length));
    for (let i = 0; i < p.length; i++) {
      const d = g[i]! + weightDecay * p[i]!;
      sq[i] = alpha * sq[i]! + (1 - alpha) * d * d;
      const dir = d / (Math.sqrt(sq[i]!) + eps);
      if (momentum) {
        buf[i] = momentum * buf[i]! + dir;
        p[i] = p[i]! - lr * buf[i]!;
      } else p[i] = p[i]! - lr * dir;
    }
  };
}
