// The Glyph split in a browser page: the npm package's digits per class, rebuilt from the demos'
// digits file (loadMnist()'s shuffled train/test split), equal what the CLI reads from the
// package's class files bit for bit, so a page trains on exactly the CLI's private digits.
import { describe, expect, it } from 'vitest';
import { subset } from '../../src/data/batches.js';
import { loadMnist } from '../../src/node/mnist.js';
import { decodeDigits, encodeDigits } from '../../src/demos/digits-file.js';
import { glyphSplit } from '../../src/experiments/glyph/data.js';
import { digitClassesFromSplit } from '../../src/experiments/glyph/digit-classes.js';
import { readDigitClasses } from '../../src/experiments/glyph/index.js';

/** Bit-for-bit equality of two typed arrays (vitest's deep equality is far too slow at this size). */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('digitClassesFromSplit', () => {
  it('rebuilds the package class files exactly from the browser digits file', async () => {
    const files = await readDigitClasses();
    const rebuilt = digitClassesFromSplit(decodeDigits(encodeDigits(await loadMnist())));
    expect(rebuilt.map((c) => c.length / 784)).toEqual(files.map((c) => c.length / 784));
    expect(rebuilt.reduce((s, c) => s + c.length / 784, 0)).toBe(10_000);
    expect(rebuilt.map((digits, c) => sameBytes(digits, files[c]!))).toEqual(Array(10).fill(true));
    // And so the Glyph split itself: same public, private and test digits in the same order.
    const [cli, page] = [glyphSplit(files, true), glyphSplit(rebuilt, true)];
    expect(page.private.n).toBe(3998);
    for (const part of ['public', 'private', 'test'] as const) {
      expect(sameBytes(page[part].y, cli[part].y)).toBe(true);
      expect(sameBytes(page[part].x, cli[part].x)).toBe(true);
    }
  });

  it('refuses data that is not loadMnist()\'s split, saying how to get it', async () => {
    const { train, test } = await loadMnist();
    const firstHalf = subset(train, Array.from({ length: 4000 }, (_, i) => i));
    expect(() => digitClassesFromSplit({ train: firstHalf, test })).toThrow(/is not loadMnist\(\)'s 80\/20 split.*npm run build:demos/);
    // Right sizes, wrong order: train and test each reversed.
    const reversed = (ds: typeof train) => subset(ds, Array.from({ length: ds.n }, (_, i) => ds.n - 1 - i));
    expect(() => digitClassesFromSplit({ train: reversed(train), test: reversed(test) })).toThrow(/labels do not come back in class order/);
  });

  it('glyphSplit refuses lists that are not ten classes of whole digits', async () => {
    const files = await readDigitClasses();
    expect(() => glyphSplit(files.slice(0, 9), true)).toThrow(/10 per-class lists of whole 28×28 digits, got 9 lists/);
  });
});
