// Activation layers (for use between layers that do not fuse them).
import { relu, sigmoid, tanh } from '../../kernels/elementwise/unary.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

class Elementwise extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Elementwise {
  constructor() {
    super(relu);
  }
}

export class Tanh extends Elementwise {
  constructor() {
    super(tanh);
  }
}

export class Sigmoid extends Elementwise {
  constructor() {
    super(sigmoid);
  }
}
