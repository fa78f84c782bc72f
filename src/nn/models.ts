// Reference models used by the CLI, the tests and the benchmarks.
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
