// Adam / AdamW update kernel (shaders/optim/adam.wgsl): PyTorch semantics, bias-corrected.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/optim/adam.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { hyperSource } from './hyper.js';
import { parameterUpdate } from './update.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const kernel = new Kernel({ name: 'optim/adam', source: [hyperSource, nan, FAULTS_WGSL, source] });

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding weightDecay·w to the gradient. */
  decoupled: boolean;
}

/** One fused in-place step of `param`, `expAvg` (m) and `expAvgSq` (v). */
export function adamUpdate(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, hyper: Tensor, h: AdamHyper): Tensor {
  return parameterUpdate(
    kernel,
    param,
    { grad, exp_avg: expAvg, exp_avg_sq: expAvgSq },
    hyper,
    { beta1: h.beta1, beta2: h.beta2, decay1: 1 - h.beta1, decay2: 1 - h.beta2, eps: h.eps, weight_decay: h.weightDecay },
    { DECOUPLED: h.decoupled ? 1 : 0 },
  );
}
