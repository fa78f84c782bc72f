// RMSprop update kernel (shaders/optim/rmsprop.wgsl): PyTorch semantics, optional momentum.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/optim/rmsprop.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { hyperSource } from './hyper.js';
import { parameterUpdate } from './update.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const plain = new Kernel({ name: 'optim/rmsprop', source: [hyperSource, nan, FAULTS_WGSL, source], entry: 'plain' });
const withMomentum = new Kernel({ name: 'optim/rmsprop-momentum', source: [hyperSource, nan, FAULTS_WGSL, source], entry: 'momentum' });

export interface RmspropHyper {
  alpha: number;
  eps: number;
  momentum: number;
  weightDecay: number;
}

/** One fused in-place step of `param`, `squareAvg` and (when momentum > 0) its momentum buffer. */
export function rmspropUpdate(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  momentumBuffer: Tensor | null,
  hyper: Tensor,
  h: RmspropHyper,
): Tensor {
  const uniforms = { alpha: h.alpha, eps: h.eps, momentum: h.momentum, weight_decay: h.weightDecay };
  const perElement = { grad, square_avg: squareAvg };
  if (!momentumBuffer) return parameterUpdate(plain, param, perElement, hyper, uniforms);
  return parameterUpdate(withMomentum, param, { ...perElement, momentum_buffer: momentumBuffer }, hyper, uniforms);
}
