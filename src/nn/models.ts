// Reference models used by the CLI, the tests and the benchmarks.
import { ReLU } from './layers/activation.js';
import { Conv2d, MaxPool2d } from './layers/conv.js';
import { Linear } from './layers/linear.js';
import { Flatten, Sequential } from './layers/sequential.js';

/** 784-256-256-10 ReLU MLP for MNIST; ReLU fused into each hidden layer's GEMM. */
export function mnistMlp(seed: number, hidden = 256): Sequential {
  return new Sequential(
    new Flatten(),
    new Linear(784, hidden, { activation: 'relu', seed: seed * 3 + 1 }),
    new Linear(hidden, hidden, { activation: 'relu', seed: seed * 3 + 2 }),
    new Linear(hidden, 10, { seed: seed * 3 + 3 }),
  );
}

/** A small CNN for MNIST: conv(8, 3x3) -> relu -> maxpool 2 -> conv(16, 3x3) -> relu -> maxpool 2 -> linear. */
export function mnistCnn(seed: number): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, seed: seed * 5 + 1 }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Conv2d(8, 16, 3, { padding: 1, seed: seed * 5 + 2 }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Flatten(),
    new Linear(16 * 7 * 7, 10, { seed: seed * 5 + 3 }),
  );
}

/**
 * A CIFAR-10-shaped CNN (3×32×32 input): conv(32, 3x3) -> relu -> maxpool 2 -> conv(64, 3x3)
 * -> relu -> maxpool 2 -> linear; the benchmarks' larger convolution workload.
 */
export function cifarCnn(seed: number): Sequential {
  return new Sequential(
    new Conv2d(3, 32, 3, { padding: 1, seed: seed * 5 + 1 }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Conv2d(32, 64, 3, { padding: 1, seed: seed * 5 + 2 }),
    new ReLU(),
    new MaxPool2d({ kernel: 2 }),
    new Flatten(),
    new Linear(64 * 8 * 8, 10, { seed: seed * 5 + 3 }),
  );
}
