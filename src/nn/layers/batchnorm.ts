// BatchNorm over the features of x [N, C] (or the channels of [N, C, H, W]): batch statistics
// in training mode, running statistics (buffers, updated in place) in eval mode.
import { batchNorm } from '../../kernels/norm/batchnorm.js';
import { full, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

export interface BatchNormLayerOptions {
  /** Weight of the batch statistics in the running average (PyTorch's convention, 0.1). */
  momentum?: number;
  eps?: number;
}

export class BatchNorm1d extends Module {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(readonly features: number, readonly options: BatchNormLayerOptions = {}) {
    super();
    this.gamma = full([features], 1).trainable();
    this.beta = zeros([features]).trainable();
    this.runningMean = zeros([features]);
    this.runningVar = full([features], 1);
  }

  override ownParameters(): Record<string, Tensor> {
    return { weight: this.gamma, bias: this.beta };
  }

  override ownBuffers(): Record<string, Tensor> {
    return { running_mean: this.runningMean, running_var: this.runningVar };
  }

  forward(x: Tensor): Tensor {
    return batchNorm(x, this.gamma, this.beta, this.runningMean, this.runningVar, { ...this.options, training: this.training });
  }
}

/** The same layer used on [N, C, H, W] (PyTorch's name for it). */
export { BatchNorm1d as BatchNorm2d };
