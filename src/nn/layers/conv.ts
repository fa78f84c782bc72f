// Convolution and pooling layers (NCHW), over the conv2d / pool ops.
import { conv2d } from '../../kernels/conv/conv2d.js';
import type { Pair, WindowOptions } from '../../kernels/conv/window.js';
import { avgPool2d, maxPool2d } from '../../kernels/pool/pool2d.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { initWeight, type InitSpec } from './init-spec.js';

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  bias?: boolean;
  init?: InitSpec;
  seed?: number;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    private readonly opts: Conv2dLayerOptions = {},
  ) {
    super();
    const fanIn = inChannels * kernelSize * kernelSize;
    const fanOut = outChannels * kernelSize * kernelSize;
    this.weight = initWeight(opts.init ?? 'he', [outChannels, inChannels, kernelSize, kernelSize], fanIn, fanOut, opts.seed ?? 0);
    this.bias = opts.bias === false ? null : zeros([outChannels]).trainable();
  }

  override ownParameters(): Record<string, Tensor> {
    return this.bias ? { weight: this.weight, bias: this.bias } : { weight: this.weight };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias ?? undefined, { stride: this.opts.stride, padding: this.opts.padding });
  }
}

export class MaxPool2d extends Module {
  constructor(private readonly window: WindowOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.window);
  }
}

export class AvgPool2d extends Module {
  constructor(private readonly window: WindowOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.window);
  }
}
