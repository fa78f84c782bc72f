import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDX_FILES, parseIdx } from '../../src/data/idx.js';
import { loadIdxFolder } from '../../src/node/idx.js';
import { GradwgslError } from '../../src/device/errors.js';

/** An IDX file: 00 00 type rank, big-endian u32 dims, then the bytes. */
function idx(dims: number[], data: Uint8Array, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 101) % 256);

// 7 training and 3 test images of 5 × 3 pixels; labels cover 0..9 (so 10 classes).
const train = { images: bytes(7 * 15, 1), labels: Uint8Array.from([3, 0, 9, 1, 2, 8, 4]) };
const test = { images: bytes(3 * 15, 2), labels: Uint8Array.from([5, 6, 7]) };

let root: string;
let n = 0;

/** A fresh folder holding the four files, each overridable (null: left out). */
async function folder(overrides: Partial<Record<keyof typeof IDX_FILES, Uint8Array | null>> = {}, gz = false): Promise<string> {
  const dir = join(root, `case${n++}`);
  await mkdir(dir);
  const files: Record<keyof typeof IDX_FILES, Uint8Array> = {
    trainImages: idx([7, 5, 3], train.images),
    trainLabels: idx([7], train.labels),
    testImages: idx([3, 5, 3], test.images),
    testLabels: idx([3], test.labels),
  };
  for (const key of Object.keys(IDX_FILES) as (keyof typeof IDX_FILES)[]) {
    const content = key in overrides ? overrides[key] : files[key];
    if (content) await writeFile(join(dir, IDX_FILES[key] + (gz ? '.gz' : '')), gz ? gzipSync(content) : content);
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gradwgsl-idx-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('IDX folders (MNIST / Fashion-MNIST format)', () => {
  for (const gz of [false, true]) {
    it(`round-trips ${gz ? 'gzipped' : 'raw'} files: pixels / 255, labels, shapes`, async () => {
      const { train: tr, test: te } = await loadIdxFolder(await folder({}, gz));
      expect([tr.n, te.n]).toEqual([7, 3]);
      expect(tr.shape).toEqual([1, 5, 3]);
      expect(tr.classes).toBe(10);
      expect(Array.from(tr.y)).toEqual(Array.from(train.labels));
      expect(Array.from(te.y)).toEqual(Array.from(test.labels));
      expect(tr.x).toEqual(Float32Array.from(train.images, (b) => b / 255));
      expect(te.x).toEqual(Float32Array.from(test.images, (b) => b / 255));
    });
  }

  it('names the missing folder and every file it should hold', async () => {
    const err = await loadIdxFolder(join(root, 'nope')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradwgslError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/IDX folder '.*nope' does not exist/);
    for (const f of Object.values(IDX_FILES)) expect(msg).toContain(f);
  });

  it('says which file is missing, what names were tried and what the folder holds', async () => {
    await expect(loadIdxFolder(await folder({ testLabels: null }))).rejects.toThrow(
      /has no t10k-labels-idx1-ubyte \(looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte\.gz, t10k-labels\.idx1-ubyte, t10k-labels\.idx1-ubyte\.gz\); it holds .*t10k-images-idx3-ubyte/,
    );
  });

  it('rejects a path that is a file', async () => {
    const file = join(root, 'plain-file');
    await writeFile(file, 'x');
    await expect(loadIdxFolder(file)).rejects.toThrow(/is a file, not a folder/);
  });

  const malformed: [string, Partial<Record<keyof typeof IDX_FILES, Uint8Array>>, RegExp][] = [
    ['bad magic (an HTML page)', { trainImages: new TextEncoder().encode('<!DOCTYPE html><html>') }, /train-images-idx3-ubyte: not an IDX file: it starts with 3c 21 44 4f/],
    ['truncated data', { trainImages: idx([7, 5, 3], train.images).subarray(0, 100) }, /train-images-idx3-ubyte: truncated: its header says dims \[7,5,3\] = 105 bytes of data, but only 84 follow the 16-byte header/],
    ['dims that do not match the bytes', { testLabels: idx([2], test.labels) }, /t10k-labels-idx1-ubyte: the dims \[2\] in its header account for 2 bytes of data, but 3 follow/],
    ['a truncated header', { testLabels: Uint8Array.of(0, 0, 8, 3, 0, 0) }, /truncated IDX header: 3 dimensions need 16 header bytes, the file has 6/],
    ['a file shorter than the magic number', { testLabels: Uint8Array.of(0, 0) }, /2 bytes is too short for an IDX file/],
    ['an unsupported element type', { testImages: idx([3, 5, 3], test.images, 0x0d) }, /IDX element type 0x0d \(f32\) is not supported/],
    ['a stray label outside the 10 classes (not an 11th class)', { trainLabels: idx([7], Uint8Array.from([3, 0, 9, 255, 2, 8, 4])) }, /IDX train set in .*: label 255 of example 3 is not a class index in \[0, 10\)/],
    ['label and image counts that differ', { trainLabels: idx([6], train.labels.subarray(0, 6)) }, /IDX train set in .*: 7 images but 6 labels; the two files come from different downloads/],
    ['swapped images and labels', { testImages: idx([3], test.labels), testLabels: idx([3, 5, 3], test.images) }, /the images file has dims \[3\]; expected \[count, rows, cols\]\. Are the images and labels files swapped\?/],
  ];
  for (const [what, overrides, message] of malformed) {
    it(`explains ${what}`, async () => {
      const err = await loadIdxFolder(await folder(overrides)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GradwgslError);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('explains a truncated gzip download', async () => {
    const dir = await folder({ trainLabels: null });
    await writeFile(join(dir, `${IDX_FILES.trainLabels}.gz`), gzipSync(idx([7], train.labels)).subarray(0, 15));
    await expect(loadIdxFolder(dir)).rejects.toThrow(/train-labels-idx1-ubyte\.gz' is gzip-compressed but cannot be decompressed .*truncated or corrupt; download it again/);
  });

  it('parseIdx reads a 1-d file directly', () => {
    const parsed = parseIdx(idx([4], Uint8Array.of(9, 8, 7, 6)), 'labels');
    expect(parsed.dims).toEqual([4]);
    expect(Array.from(parsed.data)).toEqual([9, 8, 7, 6]);
  });
});
