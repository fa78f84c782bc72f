// A centering bias layer (Shao et al. 2020): the bias sits on a layer's input, y = x + p − mu,
// with mu set from data (the mean of the first T0 training batches, then frozen) so the next
// layer sees a centred input from the start. See src/kernels/nn/centering.ts.
import { centeringBias, type CenteringBiasOptions } from '../../kernels/nn/centering.js';
import { tensor, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

export type CenteringOptions = Omit<CenteringBiasOptions, 'training'>;

export class Centering extends Module {
  /** p, the trained bias (starts at 0). */
  readonly bias: Tensor;
  /** mu, the data-set mean of the input (state: no gradient, frozen after T0 batches). */
  readonly mean: Tensor;
  /** Training batches seen, up to T0 (u32). */
  readonly count: Tensor;

  constructor(readonly features: number, readonly options: CenteringOptions = {}) {
    super();
    this.bias = zeros([features]).trainable();
    this.mean = zeros([features]);
    this.count = tensor([0], [1], 'u32');
  }

  override ownParameters(): Record<string, Tensor> {
    return { bias: this.bias };
  }

  override ownBuffers(): Record<string, Tensor> {
    return { mean: this.mean, count: this.count };
  }

  forward(x: Tensor): Tensor {
    return centeringBias(x, this.bias, this.mean, this.count, { ...this.options, training: this.training });
  }
}
