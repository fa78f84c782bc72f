// GCE's verdicts on made-up results: each one passes, fails and is "not measured" when the
// numbers it needs are absent (spec §8 criteria 1–5).
import { describe, expect, it } from 'vitest';
import type { NoiseSetting } from '../../../src/experiments/gce/data.js';
import { QUICK_CONFIG, type GceResult, type SettingRun } from '../../../src/experiments/gce/config.js';
import type { GceLoss, PruneEvent } from '../../../src/experiments/gce/train.js';
import {
  CLEAN, PAIR_04, UNIFORM_06, classDependentVerdict, cleanVerdict, lqOverCceVerdict, maeVerdict, memorisationVerdict, truncationVerdict,
} from '../../../src/experiments/gce/verdicts.js';

/** A run with final (and peak) clean test accuracy in points. */
function run(noise: NoiseSetting, loss: GceLoss, finalPoints: number, peakPoints = finalPoints, prunes: PruneEvent[] = []): SettingRun {
  return { loss, seed: 1, epochs: [], prunes, finalTest: finalPoints / 100, peakTest: peakPoints / 100, selectedTest: finalPoints / 100, seconds: 1, noise, realisedRate: noise.rate };
}
const prune = (prunedFraction: number, prunedMislabelled: number): PruneEvent => ({ epoch: 60, snapshotEpoch: 50, prunedFraction, prunedMislabelled });
// The quick profile's config: its looser margins of old (10 points, 85%) must not apply.
const result = (...runs: SettingRun[]): GceResult => ({ config: QUICK_CONFIG, runs });

describe('GCE verdicts', () => {
  it('1a. L_q >= CCE + 15 points at uniform 0.6', () => {
    expect(lqOverCceVerdict(result(run(UNIFORM_06, 'cce', 46), run(UNIFORM_06, 'lq', 82))).verdict).toBe('supported');
    expect(lqOverCceVerdict(result(run(UNIFORM_06, 'cce', 46), run(UNIFORM_06, 'lq', 58))).verdict).toBe('not supported'); // +12 (the old quick margin of 10 passed it)
    expect(lqOverCceVerdict(result(run(UNIFORM_06, 'cce', 46), run(CLEAN, 'lq', 95))).verdict).toBe('not measured');
  });

  it('1b. CCE ends 15 points below its peak at uniform 0.6', () => {
    expect(memorisationVerdict(result(run(UNIFORM_06, 'cce', 46, 85))).verdict).toBe('supported');
    expect(memorisationVerdict(result(run(UNIFORM_06, 'cce', 80, 85))).verdict).toBe('not supported');
    expect(memorisationVerdict(result(run(PAIR_04, 'cce', 46, 85))).verdict).toBe('not measured');
  });

  it('2. truncated >= L_q + 2, last pruning 35–75% of which >= 90% mislabelled', () => {
    const trunc = (acc: number, p: PruneEvent[]) => result(run(UNIFORM_06, 'lq', 82), run(UNIFORM_06, 'trunc', acc, acc, p));
    expect(truncationVerdict(trunc(86.9, [prune(0.3, 0.5), prune(0.58, 0.978)])).verdict).toBe('supported');
    expect(truncationVerdict(trunc(83, [prune(0.58, 0.978)])).verdict).toBe('not supported'); // only +1
    expect(truncationVerdict(trunc(86.9, [prune(0.8, 0.978)])).verdict).toBe('not supported'); // prunes too much
    expect(truncationVerdict(trunc(86.9, [prune(0.58, 0.895)])).verdict).toBe('not supported'); // 89.5% (the old quick margin of 85% passed it)
    expect(truncationVerdict(trunc(86.9, [])).verdict).toBe('not measured'); // never pruned
    expect(truncationVerdict(result(run(UNIFORM_06, 'lq', 82))).verdict).toBe('not measured');
  });

  it('3. clean labels: L_q >= CCE − 1.5', () => {
    expect(cleanVerdict(result(run(CLEAN, 'cce', 95.7), run(CLEAN, 'lq', 95.1))).verdict).toBe('supported');
    expect(cleanVerdict(result(run(CLEAN, 'cce', 89.9), run(CLEAN, 'lq', 87.8))).verdict).toBe('not supported');
    expect(cleanVerdict(result(run(CLEAN, 'cce', 95.7))).verdict).toBe('not measured');
  });

  it('4. MAE <= L_q − 5 at uniform 0.6', () => {
    expect(maeVerdict(result(run(UNIFORM_06, 'mae', 65.4), run(UNIFORM_06, 'lq', 82))).verdict).toBe('supported');
    expect(maeVerdict(result(run(UNIFORM_06, 'mae', 80), run(UNIFORM_06, 'lq', 82))).verdict).toBe('not supported');
    expect(maeVerdict(result(run(UNIFORM_06, 'lq', 82))).verdict).toBe('not measured');
  });

  it('5. class-dependent 0.4: truncated >= CCE + 1', () => {
    expect(classDependentVerdict(result(run(PAIR_04, 'cce', 78.7), run(PAIR_04, 'trunc', 81.6))).verdict).toBe('supported');
    expect(classDependentVerdict(result(run(PAIR_04, 'cce', 72.4), run(PAIR_04, 'trunc', 71.9))).verdict).toBe('not supported');
    expect(classDependentVerdict(result(run(UNIFORM_06, 'cce', 72.4), run(UNIFORM_06, 'trunc', 81.6))).verdict).toBe('not measured');
  });

  it('judges the mean over seeds', () => {
    const seed2 = (r: SettingRun): SettingRun => ({ ...r, seed: 2 });
    const seeds = [run(UNIFORM_06, 'cce', 46), run(UNIFORM_06, 'lq', 82), seed2(run(UNIFORM_06, 'cce', 80)), seed2(run(UNIFORM_06, 'lq', 70))];
    // Seed 1 alone passes (+36); the means are L_q 76, CCE 63: +13.
    expect(lqOverCceVerdict(result(...seeds.slice(0, 2))).verdict).toBe('supported');
    expect(lqOverCceVerdict(result(...seeds)).verdict).toBe('not supported');
  });
});
