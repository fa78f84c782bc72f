// Linear layer y = act(x·Wᵀ + b) with PyTorch's weight layout [out, in], one fused dispatch.
import { linear, type Activation } from '../../kernels/gemm/linear.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { initWeight, type InitSpec } from './init-spec.js';

export interface LinearOptions {
  bias?: boolean;
  /** Fused into the GEMM epilogue. */
  activation?: Activation;
  init?: InitSpec;
  seed?: number;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly activation: Activation;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.activation = opts.activation ?? 'none';
    this.weight = initWeight(opts.init ?? 'he', [outFeatures, inFeatures], inFeatures, outFeatures, opts.seed ?? 0);
    this.bias = opts.bias === false ? null : zeros([outFeatures]).trainable();
  }

  override ownParameters(): Record<string, Tensor> {
    return this.bias ? { weight: this.weight, bias: this.bias } : { weight: this.weight };
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias ?? undefined, this.activation);
  }
}
