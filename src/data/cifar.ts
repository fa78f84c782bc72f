// CIFAR-10's binary version (cifar-10-binary.tar.gz): six files of 3073-byte records, a label
// byte 0..9 then 3072 pixel bytes, the 1024 red, 1024 green and 1024 blue values of a 32×32
// image row by row. That is already channels-first, so examples keep that layout: [3, 32, 32].
// Parsing only: reading the files from a folder is src/node/cifar.ts.
import { fail } from '../device/errors.js';
import { makeDataset, type Dataset } from './batches.js';

const PIXELS = 3072;
const RECORD = PIXELS + 1;
const CLASSES = 10;
export const CIFAR10_SHAPE = [3, 32, 32] as const;

export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

/** Checks one batch file's bytes; `where` names it in errors. Returns the number of records. */
function checkBatch(bytes: Uint8Array, where: string): number {
  if (bytes.length === 0) fail(`${where}: the file is empty; download it again`);
  if (bytes.length % RECORD !== 0) {
    fail(`${where}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (1 label byte + ${PIXELS} pixel bytes); the file is truncated or is not CIFAR-10 binary (CIFAR-100 records have 2 label bytes): download it again`);
  }
  for (let r = 0; r < bytes.length; r += RECORD) {
    if (bytes[r]! >= CLASSES) {
      fail(`${where}: record ${r / RECORD} has label ${bytes[r]}; CIFAR-10 labels are 0..9. Is this CIFAR-100, or the Python version? Use the binary version of CIFAR-10.`);
    }
  }
  return bytes.length / RECORD;
}

/** Parses CIFAR-10 binary batch files (already read) into one dataset with pixels in [0, 1]. */
export function parseCifarBatches(files: readonly { path: string; bytes: Uint8Array }[], what: string): Dataset {
  const counts = files.map(({ path, bytes }) => checkBatch(bytes, path));
  const total = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * PIXELS);
  const y = new Uint32Array(total);
  let n = 0;
  for (const { bytes } of files) {
    for (let r = 0; r < bytes.length; r += RECORD, n++) {
      y[n] = bytes[r]!;
      const out = n * PIXELS;
      for (let i = 0; i < PIXELS; i++) x[out + i] = bytes[r + 1 + i]! / 255;
    }
  }
  return makeDataset(x, y, CIFAR10_SHAPE, CLASSES, what);
}
