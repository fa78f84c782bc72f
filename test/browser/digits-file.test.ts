// The demos' digits file restores loadMnist()'s split bit for bit, and rejects what it cannot hold.
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/batches.js';
import { loadMnist } from '../../src/node/mnist.js';
import { decodeDigits, encodeDigits } from '../../src/demos/digits-file.js';

describe('MNIST digits file for the browser demos', () => {
  it('round-trips the embedded split exactly, in order', async () => {
    const data = await loadMnist();
    const bytes = encodeDigits(data);
    expect(bytes.length).toBe(16 + 10_000 * 785);
    const back = decodeDigits(bytes);
    for (const part of ['train', 'test'] as const) {
      expect(back[part].n).toBe(data[part].n);
      expect(back[part].shape).toEqual([1, 28, 28]);
      expect(Buffer.from(back[part].y.buffer).equals(Buffer.from(data[part].y.buffer))).toBe(true);
      expect(Buffer.from(back[part].x.buffer).equals(Buffer.from(data[part].x.buffer, data[part].x.byteOffset, data[part].x.byteLength))).toBe(true);
    }
    // Real digits, not a blank file: about a fifth of MNIST pixels are ink.
    const ink = back.test.x.filter((v) => v > 0).length / back.test.x.length;
    expect(ink).toBeGreaterThan(0.1);
  });

  it('rejects pixels off the k/255 grid and truncated or foreign files', () => {
    const digit = (value: number) => makeDataset(new Float32Array(784).fill(value), new Uint32Array([3]), [1, 28, 28], 10, 'one digit');
    expect(() => encodeDigits({ train: digit(0.5), test: digit(0) })).toThrow(/pixel 0\.5 is not one of the 256 values/);
    const onGrid = digit(Math.round((128 * 1000) / 255) / 1000); // 0.502, as the package writes 128/255
    const bytes = encodeDigits({ train: onGrid, test: onGrid });
    expect(decodeDigits(bytes).train.x).toEqual(onGrid.x);
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated; rebuild the demos/);
    expect(() => decodeDigits(new Uint8Array(16))).toThrow(/not a gradwgsl digits file/);
  });
});
