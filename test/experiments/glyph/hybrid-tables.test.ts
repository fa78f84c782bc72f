// The PBS tables and re-quantisation sites of Glyph part 2: negacyclic table semantics, and the
// digit-removal chain (the PBS sequence the encrypted run performs) equal to each site's
// closed-form input on every accumulator value of its window.
import { describe, expect, it } from 'vitest';
import { digitPbsCount, digitRounds, inRange, offsetOf, shiftOf, site, siteInput, siteInputByRounds } from '../../../src/experiments/glyph/hybrid/requantize.js';
import {
  lowDigitTable, maskedSignedTable, pbs, reluDerivativeTable, reluTable, signedTable, topBitTable,
} from '../../../src/experiments/glyph/hybrid/tables.js';

describe('PBS tables', () => {
  it('return f below 2^p and −f above (negacyclic), and refuse inputs outside [0, 2^(p+1))', () => {
    const relu = reluTable(4);
    expect([0, 7, 8, 9, 15].map((u) => pbs(relu, u))).toEqual([0, 0, 0, 1, 7]);
    expect([16, 25, 31].map((u) => pbs(relu, u))).toEqual([-0, -1, -7]);
    expect(() => pbs(relu, 32)).toThrow(/outside \[0, 32\)/);
    expect(() => pbs(relu, -1)).toThrow(/outside/);
  });

  it('have the documented ranges', () => {
    expect([signedTable(5).min, signedTable(5).max]).toEqual([-16, 15]);
    expect([reluTable(5).min, reluTable(5).max]).toEqual([0, 15]);
    expect([reluDerivativeTable(5).min, reluDerivativeTable(5).max]).toEqual([0, 1]);
    expect([maskedSignedTable(5).min, maskedSignedTable(5).max]).toEqual([-8, 7]);
  });

  it('ReLU′ is 1 exactly where the signed value is positive', () => {
    const t = reluDerivativeTable(5);
    for (let u = 0; u < 32; u++) expect(t.at(u)).toBe(u - 16 > 0 ? 1 : 0);
  });

  it('the masked table gives the (p−1)-bit signed error when the mask bit is set and 0 otherwise', () => {
    const t = maskedSignedTable(4);
    for (let y = -4; y < 4; y++) {
      expect(t.at(y + 4)).toBe(0);
      expect(t.at(y + 4 + 8)).toBe(y);
    }
  });

  it('topbit + 2^(α−1) is 2^α·(bit α) on every padding-free (α+1)-bit input; the digit table is the identity', () => {
    for (const alpha of [1, 2, 3, 4, 5]) {
      for (let x = 0; x < 2 ** (alpha + 1); x++) {
        expect(pbs(topBitTable(alpha), x) + 2 ** (alpha - 1)).toBe(2 ** alpha * Math.floor(x / 2 ** alpha));
      }
      for (let x = 0; x < 2 ** alpha; x++) expect(pbs(lowDigitTable(alpha), x)).toBe(x);
    }
  });
});

describe('re-quantisation sites', () => {
  it('digit removal, PBS by PBS, equals the closed form on every value of the window', () => {
    for (const p of [4, 5]) {
      for (const window of [p + 1, p + 2, 9, 12, 14]) {
        for (const valueBits of [p, p - 1]) {
          const s = site('t', p, window, valueBits);
          for (let z = -(2 ** window); z < 2 ** window; z++) {
            const u = siteInputByRounds(s, z);
            if (u !== siteInput(s, z)) expect.fail(`p ${p} W ${window} v ${valueBits} z ${z}: rounds ${u} vs ${siteInput(s, z)}`);
          }
        }
      }
    }
  });

  it('round to nearest inside the range: u − 2^(v−1) = round(z / 2^s), and inRange says exactly when', () => {
    const s = site('t', 5, 12);
    expect(shiftOf(s)).toBe(6);
    expect(offsetOf(s)).toBe(2 ** 10 + 2 ** 5);
    for (let z = -(2 ** 12); z < 2 ** 12; z++) {
      const y = Math.floor(z / 64 + 0.5);
      const fits = y >= -16 && y < 16;
      expect(inRange(s, z)).toBe(fits);
      if (fits) expect(siteInput(s, z) - 16).toBe(y);
    }
  });

  it('rounds: p bits each, the rest last; two PBS per round', () => {
    expect(digitRounds(site('t', 5, 14))).toEqual([5, 3]);
    expect(digitRounds(site('t', 4, 5))).toEqual([]);
    expect(digitPbsCount(site('t', 4, 15))).toBe(6);
    expect(() => site('t', 5, 5)).toThrow(/window W = 5 must be an integer >= p \+ 1 = 6/);
  });
});
