// SGD update kernel (shaders/optim/sgd.wgsl): PyTorch semantics, momentum, Nesterov, weight decay.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/optim/sgd.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { hyperSource } from './hyper.js';
import { parameterUpdate } from './update.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const plain = new Kernel({ name: 'optim/sgd', source: [hyperSource, nan, FAULTS_WGSL, source], entry: 'plain' });
const withMomentum = new Kernel({ name: 'optim/sgd-momentum', source: [hyperSource, nan, FAULTS_WGSL, source], entry: 'momentum' });

export interface SgdHyper {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** One fused in-place step of `param` (and its momentum buffer when momentum > 0). */
export function sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, hyper: Tensor, h: SgdHyper): Tensor {
  const uniforms = { momentum: h.momentum, weight_decay: h.weightDecay };
  if (!momentumBuffer) return parameterUpdate(plain, param, { grad }, hyper, uniforms);
  return parameterUpdate(withMomentum, param, { grad, momentum_buffer: momentumBuffer }, hyper, uniforms, {
    NESTEROV: h.nesterov ? 1 : 0,
  });
}
