// A module that applies static loss scaling to everything before it (see scaleGradient).
import { scaleGradient } from '../../kernels/precision/scale-gradient.js';
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';

export class LossScale extends Module {
  constructor(readonly scale: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return scaleGradient(x, this.scale);
  }
}
