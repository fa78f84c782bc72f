// Student's paired t-test behind criterion C(ii): p-values against SciPy's (scipy.stats
// ttest_rel and 2·t.sf, computed once and written here), and the pairing by seed.
import { describe, expect, it } from 'vitest';
import { pairedT, twoSidedP } from '../../src/experiments/fp8/paired-t.js';

describe('paired t-test', () => {
  it('two-sided p-values of Student t match SciPy across degrees of freedom', () => {
    const cases: [t: number, df: number, p: number][] = [
      [2.776445, 4, 0.05000000538209156],
      [1, 1, 0.5], // Cauchy
      [2, 2, 0.18350341907227397], // 1 − 2/√6
      [0.3, 30, 0.7662461052843528],
      [12, 9, 7.699886222985653e-7],
      [-2, 2, 0.18350341907227397],
    ];
    for (const [t, df, p] of cases) expect(twoSidedP(t, df)).toBeCloseTo(p, 9);
    expect(twoSidedP(0, 4)).toBeCloseTo(1, 12);
  });

  it('pairs values index by index (scipy.stats.ttest_rel)', () => {
    const r = pairedT([1, 2, 3, 4, 5], [0, 2, 1, 3, 3]);
    expect(r).toMatchObject({ n: 5, df: 4 });
    expect(r.meanDifference).toBeCloseTo(1.2, 12);
    expect(r.t).toBeCloseTo(3.2071349029490923, 10);
    expect(r.p).toBeCloseTo(0.03267792333680301, 9);
    // Pairing matters: the same values shuffled within one sample give another test.
    expect(pairedT([1, 2, 3, 4, 5], [3, 0, 3, 2, 1]).p).toBeGreaterThan(0.3);
  });

  it('identical differences: p = 0 when nonzero, 1 when all zero; bad input is refused', () => {
    expect(pairedT([2, 3, 4], [1, 2, 3]).p).toBe(0);
    expect(pairedT([2, 3], [2, 3]).p).toBeCloseTo(1, 12);
    expect(() => pairedT([1], [0])).toThrow(/at least 2/);
    expect(() => pairedT([1, 2], [0])).toThrow(/paired one to one/);
  });
});
