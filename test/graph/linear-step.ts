// A linear classifier x·W with one SGD step per compiled run: the smallest training step, shared
// by the tests of what a step checks (feeds, faults).
import { compile } from '../../src/graph/compile.js';
import { matmul } from '../../src/kernels/gemm/matmul.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';

/** W [features, classes] starts from `init`; the step takes x [batch, features] and u32 labels y [batch]. */
export async function linearStep(init: Float32Array, [batch, features, classes]: [number, number, number], lr: number) {
  const w = tensor(init, [features, classes]).trainable();
  const opt = new SGD([w], { lr });
  const step = await compile({ x: { shape: [batch, features] }, y: { shape: [batch], dtype: 'u32' } }, ({ x, y }) => {
    const loss = softmaxCrossEntropy(matmul(x!, w), y!);
    loss.backward();
    opt.step();
    return { loss };
  });
  return { w, step };
}
