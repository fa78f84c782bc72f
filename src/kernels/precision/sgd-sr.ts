// The in-place AXPY chain on 16-bit master weights (shaders/precision/sgd-sr.wgsl): weight
// decay, momentum and update, each rounded onto the weight grid stochastically (or with RNE).
import philox from '../../../shaders/rng/philox.wgsl';
import grid from '../../../shaders/precision/grid.wgsl';
import tally from '../../../shaders/precision/tally.wgsl';
import source from '../../../shaders/precision/sgd-sr.wgsl';
import { fail } from '../../device/errors.js';
import type { FloatFormat } from '../../precision/format.js';
import { ROUNDING } from '../../precision/round.js';
import type { Tensor } from '../../tensor/tensor.js';
import { hyperSource } from '../optim/hyper.js';
import { Kernel } from '../../device/kernel.js';
import { checkPerElement, inPlaceUpdate } from '../optim/update.js';
import { formatConstants } from './quantize.js';

const sources = ROUNDING.withSource('precision/sgd-sr', philox, grid, tally, hyperSource, source);
const plain = new Kernel({ name: 'precision/sgd-sr', source: sources, entry: 'axpy' });
const counted = new Kernel({ name: 'precision/sgd-sr-counted', source: sources, entry: 'axpy_counted' });

export interface LowpSgdHyper {
  /** 1 / loss scale: the gradient of a summed (scaled) loss back to a mean-loss gradient. */
  gradScale: number;
  momentum: number;
  weightDecay: number;
  /** Grid of the weights and the momentum buffer. */
  format: FloatFormat;
  /** 'sr' (the paper) or 'rne'. */
  rounding: 'sr' | 'rne';
  seed: number;
  stream: number;
  /** u32 [2]: updates RNE would lose, nonzero updates (added to, never reset here). */
  counter?: Tensor | null;
}

/** One step of `param` and its momentum buffer in place; `hyper` is the optimizer's block (lr, step). */
export function lowpSgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor, hyper: Tensor, h: LowpSgdHyper): Tensor {
  checkPerElement('lowpSgdUpdate', param, { grad, momentum_buffer: momentumBuffer });
  if (h.counter && (h.counter.dtype !== 'u32' || h.counter.numel < 2)) {
    fail(`lowpSgdUpdate: the counter ${h.counter} must be a u32 tensor of at least 2 elements`);
  }
  const buffers: Record<string, Tensor> = { param, grad, momentum_buffer: momentumBuffer, hyper };
  if (h.counter) buffers.counts = h.counter;
  return inPlaceUpdate(
    h.counter ? counted : plain,
    buffers,
    { n: param.numel, grad_scale: h.gradScale, momentum: h.momentum, weight_decay: h.weightDecay, seed: h.seed, stream: h.stream },
    { ...formatConstants(h.format), MODE: ROUNDING.code[h.rounding] },
    Math.ceil(param.numel / 4),
  );
}
