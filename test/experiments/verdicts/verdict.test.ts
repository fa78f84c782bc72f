// The shared pieces of every verdict: a missing measurement is "not measured" (never a mean of 0),
// and rows without a bar are printed without a verdict.
import { describe, expect, it } from 'vitest';
import { claimBlocks, unjudgedBlocks } from '../../../src/experiments/plot.js';
import { meanOrNull, verdictOf } from '../../../src/experiments/verdict.js';

describe('verdicts', () => {
  it('verdictOf maps pass / fail / absent', () => {
    expect(verdictOf(true)).toBe('supported');
    expect(verdictOf(false)).toBe('not supported');
    expect(verdictOf(null)).toBe('not measured');
  });

  it('meanOrNull: null for no values, NaN kept (a diverged run is measured, and fails)', () => {
    expect(meanOrNull([])).toBeNull();
    expect(meanOrNull([1, 2, 6])).toBe(3);
    expect(meanOrNull([1, NaN])).toBeNaN();
  });

  it('claim blocks carry the verdict; unjudged blocks carry none', () => {
    const row = { claim: 'C', paper: 'P', ours: 'O' };
    expect(claimBlocks([{ ...row, verdict: 'not measured' }])).toBe('C  [not measured]\n    paper: P\n    ours:  O');
    const text = unjudgedBlocks([row]);
    expect(text.split('\n').slice(1)).toEqual(['C', '    paper: P', '    ours:  O']);
    expect(text).not.toMatch(/supported|measured\]/);
  });
});
