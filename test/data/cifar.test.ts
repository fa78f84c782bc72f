import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_FILES, parseCifarBatches } from '../../src/data/cifar.js';
import { loadCifar10Folder } from '../../src/node/cifar.js';
import { GradwgslError } from '../../src/device/errors.js';

/** Records of label byte + 3072 pixel bytes; pixel i of record r is (i * 7 + r * 13 + seed) mod 256. */
function batch(labels: number[], seed: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let i = 0; i < 3072; i++) out[r * 3073 + 1 + i] = (i * 7 + r * 13 + seed) % 256;
  });
  return out;
}

let root: string;
let n = 0;

/** A folder with all six files of three records each; `nest` puts them in cifar-10-batches-bin/. */
async function folder(overrides: Record<string, Uint8Array | null> = {}, nest = false): Promise<string> {
  const top = join(root, `case${n++}`);
  const dir = nest ? join(top, 'cifar-10-batches-bin') : top;
  await mkdir(dir, { recursive: true });
  const names = [...CIFAR10_FILES.train, ...CIFAR10_FILES.test];
  for (const [i, name] of names.entries()) {
    const content = name in overrides ? overrides[name] : batch([i, (i + 3) % 10, 9], i);
    if (content) await writeFile(join(dir, name), content);
  }
  return top;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gradwgsl-cifar-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('CIFAR-10 binary batches', () => {
  it('parses a 3-record file: labels, channels-first pixels / 255', () => {
    const ds = parseCifarBatches([{ path: 'b.bin', bytes: batch([4, 0, 9], 5) }], 'b');
    expect(ds.n).toBe(3);
    expect(ds.shape).toEqual([3, 32, 32]);
    expect(Array.from(ds.y)).toEqual([4, 0, 9]);
    for (const [r, i] of [[0, 0], [1, 1023], [1, 1024], [2, 3071]] as const) {
      expect(ds.x[r * 3072 + i]).toBe(Math.fround(((i * 7 + r * 13 + 5) % 256) / 255));
    }
  });

  for (const nest of [false, true]) {
    it(`loads all six files from the folder${nest ? ' above cifar-10-batches-bin' : ''}, in file order`, async () => {
      const { train, test } = await loadCifar10Folder(await folder({}, nest));
      expect([train.n, test.n]).toEqual([15, 3]);
      expect(Array.from(train.y)).toEqual([0, 3, 9, 1, 4, 9, 2, 5, 9, 3, 6, 9, 4, 7, 9]);
      expect(Array.from(test.y)).toEqual([5, 8, 9]);
      // Record 1 of data_batch_3.bin (seed 2) is training example 7.
      expect(train.x[7 * 3072 + 100]).toBe(Math.fround(((100 * 7 + 13 + 2) % 256) / 255));
      expect(test.classes).toBe(10);
    });
  }

  it('names the missing folder and the files it should hold', async () => {
    const err = await loadCifar10Folder(join(root, 'nope')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradwgslError);
    expect((err as Error).message).toMatch(/CIFAR-10 folder '.*nope' does not exist\. It should hold data_batch_1\.bin, .*data_batch_5\.bin, test_batch\.bin \(the binary version/);
  });

  it('names a missing batch file', async () => {
    await expect(loadCifar10Folder(await folder({ 'data_batch_4.bin': null }))).rejects.toThrow(/has no data_batch_4\.bin .*it holds data_batch_1\.bin/);
  });

  it('explains a truncated file', async () => {
    await expect(loadCifar10Folder(await folder({ 'test_batch.bin': batch([1, 2, 3], 0).subarray(0, 9000) }))).rejects.toThrow(
      /test_batch\.bin: 9000 bytes is not a whole number of 3073-byte CIFAR-10 records .*truncated/,
    );
  });

  it('explains a label outside 0..9 (CIFAR-100 or another format)', async () => {
    await expect(loadCifar10Folder(await folder({ 'data_batch_2.bin': batch([1, 42], 0) }))).rejects.toThrow(
      /data_batch_2\.bin: record 1 has label 42; CIFAR-10 labels are 0\.\.9/,
    );
  });

  it('explains an empty file', async () => {
    await expect(loadCifar10Folder(await folder({ 'data_batch_1.bin': new Uint8Array(0) }))).rejects.toThrow(/data_batch_1\.bin: the file is empty/);
  });
});
