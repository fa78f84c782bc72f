// End-to-end gradient checks of whole (small) models: every parameter of an MLP and a CNN.
import { beforeAll, describe, it } from 'vitest';
import { conv2d } from '../../src/kernels/conv/conv2d.js';
import { linear } from '../../src/kernels/gemm/linear.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { maxPool2d } from '../../src/kernels/pool/pool2d.js';
import { relu, tanh } from '../../src/kernels/elementwise/unary.js';
import { reshape } from '../../src/kernels/shape/reshape.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

const labels = (n: number, classes: number) => tensor(Uint32Array.from({ length: n }, (_, i) => (i * 7) % classes), [n], 'u32');

describe('whole-model gradients by finite differences', () => {
  it('MLP 13-9-7-5 with tanh and relu, cross-entropy loss', async () => {
    const y = labels(6, 5);
    await gradcheck(
      ([x, w1, b1, w2, b2, w3, b3]) => {
        const h1 = linear(x!, w1!, b1!, 'tanh');
        const h2 = relu(linear(h1, w2!, b2!));
        return softmaxCrossEntropy(linear(h2, w3!, b3!), y);
      },
      [
        { data: randomArray(6 * 13, 1), shape: [6, 13] },
        { data: randomArray(9 * 13, 2, -0.5, 0.5), shape: [9, 13] },
        { data: randomArray(9, 3, -0.1, 0.1), shape: [9] },
        { data: randomArray(7 * 9, 4, -0.5, 0.5), shape: [7, 9] },
        { data: randomArray(7, 5, 0.05, 0.2), shape: [7] },
        { data: randomArray(5 * 7, 6, -0.5, 0.5), shape: [5, 7] },
        { data: randomArray(5, 7, -0.1, 0.1), shape: [5] },
      ],
      { eps: 1e-2, tol: 3e-2, constant: [0] },
    );
  });

  it('CNN conv3x3 -> tanh -> maxpool -> linear, cross-entropy loss', async () => {
    const y = labels(2, 3);
    await gradcheck(
      ([x, wc, bc, wl, bl]) => {
        const c = tanh(conv2d(x!, wc!, bc!, { padding: 1 }));
        const p = maxPool2d(c, { kernel: 2, stride: 2 });
        return softmaxCrossEntropy(linear(reshape(p, [2, -1]), wl!, bl!), y);
      },
      [
        { data: randomArray(2 * 2 * 7 * 7, 11), shape: [2, 2, 7, 7] },
        { data: randomArray(4 * 2 * 3 * 3, 12, -0.5, 0.5), shape: [4, 2, 3, 3] },
        { data: randomArray(4, 13, -0.1, 0.1), shape: [4] },
        { data: randomArray(3 * 36, 14, -0.3, 0.3), shape: [3, 36] },
        { data: randomArray(3, 15, -0.1, 0.1), shape: [3] },
      ],
      { eps: 1e-2, tol: 3e-2, constant: [0] },
    );
  });
});
