// Signal propagation: the mean squared activation after each stage of a network, the quantity
// whose growth with depth separates un-normalized residual nets (exponential) from rescaled
// ones (flat). Runs eagerly, without gradients, in each module's current train/eval mode.
import { runtime } from '../graph/runtime.js';
import { noGrad } from '../graph/autograd.js';
import { square } from '../kernels/elementwise/unary.js';
import { meanAll } from '../kernels/reduce/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

/** mean(h_k²) for `h_k = stages[k](h_{k−1})`, `h_{−1} = x`; non-finite where it overflowed. */
export async function meanSquarePerStage(stages: readonly Module[], x: Tensor): Promise<number[]> {
  const scalars = runtime().tidy(() =>
    noGrad(() => {
      let h = x;
      return stages.map((stage) => {
        h = stage.forward(h);
        return meanAll(square(h));
      });
    }),
  );
  try {
    const values: number[] = [];
    for (const s of scalars) values.push(await s.item());
    return values;
  } finally {
    for (const s of scalars) s.dispose();
  }
}
