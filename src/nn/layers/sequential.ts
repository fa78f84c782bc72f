// Sequential, Flatten and the residual block: the containers models are built from.
import { add } from '../../kernels/elementwise/binary.js';
import { reshape } from '../../kernels/shape/reshape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override children(): Record<string, Module> {
    return Object.fromEntries(this.layers.map((m, i) => [String(i), m]));
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
}

/** [N, ...] -> [N, prod(...)]. */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, -1]);
  }
}

/** y = x + block(x); `block` must keep the shape. */
export class Residual extends Module {
  constructor(readonly block: Module) {
    super();
  }

  override children(): Record<string, Module> {
    return { block: this.block };
  }

  forward(x: Tensor): Tensor {
    return add(x, this.block.forward(x));
  }
}
