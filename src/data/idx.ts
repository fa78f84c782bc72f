// IDX files, the format MNIST and Fashion-MNIST ship in: bytes 00 00, an element-type byte, a
// dimension count d, d big-endian u32 sizes, then the elements row-major. Both sets use unsigned
// bytes (type 0x08): images [n, 28, 28], labels [n]. Parsing only: reading a folder of them (gzipped
// or not) is src/node/idx.ts.
import { fail } from '../device/errors.js';
import { fmt } from '../tensor/shape.js';
import { makeDataset, type Dataset } from './batches.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'u8', 0x09: 'i8', 0x0b: 'i16', 0x0c: 'i32', 0x0d: 'f32', 0x0e: 'f64' };

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** Parses one (already gunzipped) IDX file of unsigned bytes; `where` names it in errors. */
export function parseIdx(bytes: Uint8Array, where: string): IdxArray {
  if (bytes.length < 4) fail(`${where}: ${bytes.length} bytes is too short for an IDX file (4-byte magic number, then sizes); download it again`);
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[3]! > 0)) {
    fail(`${where}: not an IDX file: it starts with ${hex(bytes.subarray(0, 4))}, an IDX file starts with 00 00 08 0d (d = number of dimensions). Is it an HTML page or another format saved under this name? Download it again.`);
  }
  if (bytes[2] !== UBYTE) {
    const name = TYPE_NAMES[bytes[2]!] ?? 'unknown';
    fail(`${where}: IDX element type 0x${bytes[2]!.toString(16).padStart(2, '0')} (${name}) is not supported; gradwgsl reads unsigned-byte IDX files (type 0x08) as MNIST and Fashion-MNIST ship them`);
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`${where}: truncated IDX header: ${rank} dimensions need ${headerBytes} header bytes, the file has ${bytes.length}; download it again`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < expected) {
    fail(`${where}: truncated: its header says dims ${fmt(dims)} = ${expected} bytes of data, but only ${have} follow the ${headerBytes}-byte header; download it again`);
  }
  if (have > expected) {
    fail(`${where}: the dims ${fmt(dims)} in its header account for ${expected} bytes of data, but ${have} follow the ${headerBytes}-byte header; the header does not match the data: download it again`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Images [n, rows, cols] and labels [n] as a dataset: pixels scaled to [0, 1], shape [1, rows, cols]. */
export function idxDataset(images: IdxArray, labels: IdxArray, classes: number, what: string): Dataset {
  if (images.dims.length !== 3) fail(`${what}: the images file has dims ${fmt(images.dims)}; expected [count, rows, cols]. Are the images and labels files swapped?`);
  if (labels.dims.length !== 1) fail(`${what}: the labels file has dims ${fmt(labels.dims)}; expected [count]. Are the images and labels files swapped?`);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) fail(`${what}: ${n} images but ${labels.dims[0]} labels; the two files come from different downloads or sets: download both again`);
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  return makeDataset(x, Uint32Array.from(labels.data), [1, rows, cols], classes, what);
}

/** The four files of an MNIST-style folder; each may also carry .gz or use '.' before 'idx' (as some mirrors do). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** MNIST and Fashion-MNIST, the data sets stored this way, both have 10 classes. */
export const IDX_CLASSES = 10;
