// The key-hygiene search (T7) without Node's Buffer: containsBytes agrees with Buffer.indexOf,
// finds planted windows anywhere, and is not fooled by prefixes that break off.
import { describe, expect, it } from 'vitest';
import { containsBytes } from '../../src/experiments/glyph/find-bytes.js';
import { randomArray } from '../setup.js';

const bytes = (n: number, seed: number, levels = 256) => Uint8Array.from(randomArray(n, seed, 0, levels), Math.floor);

describe('containsBytes', () => {
  it('agrees with Buffer.indexOf on windows taken from the data, altered, and random', () => {
    // Few distinct byte values, so first-byte candidates and partial matches are everywhere.
    const hay = bytes(20_000, 1, 4);
    let found = 0;
    for (let t = 0; t < 200; t++) {
      const at = (t * 97) % (hay.length - 32);
      const len = 1 + (t % 32);
      const needle = hay.slice(at, at + len);
      if (t % 3 === 1) needle[len - 1] = 4; // a value the data never holds: must not be found
      if (t % 3 === 2) needle.set(bytes(len, t + 7, 4));
      const expected = Buffer.from(hay).indexOf(needle) >= 0;
      expect(containsBytes(hay, needle)).toBe(expected);
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(66); // the unaltered third is always found, some random ones too
    expect(found).toBeLessThan(200);
  });

  it('finds a 32-byte window at the very start and end, not past the end', () => {
    const hay = bytes(4096, 2);
    expect(containsBytes(hay, hay.slice(0, 32))).toBe(true);
    expect(containsBytes(hay, hay.slice(-32))).toBe(true);
    expect(containsBytes(hay.subarray(0, 4095), hay.slice(-32))).toBe(false);
    expect(containsBytes(hay, new Uint8Array(0))).toBe(true);
    expect(containsBytes(new Uint8Array(3), new Uint8Array(4))).toBe(false);
  });
});
