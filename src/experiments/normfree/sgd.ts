// SGD whose weight decay applies to weight matrices only (spec §4/§7: no decay on the biases,
// centering biases, BatchNorm's gamma/beta or the multipliers m_k).
import { sgdUpdate } from '../../kernels/optim/sgd.js';
import { SGD } from '../../optim/sgd.js';
import type { Tensor } from '../../tensor/tensor.js';

export class MatrixDecaySGD extends SGD {
  protected override update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    const h = param.rank === 2 ? this.hyperparameters : { ...this.hyperparameters, weightDecay: 0 };
    return sgdUpdate(param, grad, slots.momentum_buffer ?? null, hyper, h);
  }
}

/** Linear warm-up to `peak` over `warmup` steps, then cosine to 0 at step `total`. */
export function warmupCosine(step: number, warmup: number, total: number, peak: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  if (total <= warmup) return peak;
  return 0.5 * peak * (1 + Math.cos((Math.PI * (step - warmup)) / (total - warmup)));
}
