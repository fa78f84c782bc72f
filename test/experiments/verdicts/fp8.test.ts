// FP8's verdicts on made-up results: each one passes, fails and is "not measured" when the
// numbers it needs are absent (spec §8 A–C).
import { describe, expect, it } from 'vitest';
import type { AccumulationCell, AccumulationMode } from '../../../src/experiments/fp8/accumulation.js';
import type { Fp8Result } from '../../../src/experiments/fp8/config.js';
import type { MnistRunResult, MnistVariant } from '../../../src/experiments/fp8/mnist.js';
import type { SwampingResult } from '../../../src/experiments/fp8/swamping.js';
import {
  accumulationVerdict, bitIdenticalVerdict, highLrVerdict, lostUpdatesVerdict, lowLrVerdict, srVsRneTest, swampingVerdict,
} from '../../../src/experiments/fp8/verdicts.js';
import { networkMacs } from '../../../src/experiments/fp8/mnist.js';
import { fp8MacShare, report } from '../../../src/experiments/fp8/report.js';

const result = (over: Partial<Fp8Result>): Fp8Result => ({ accumulation: [], swamping: [], mnist: [], ...over });
const cell = (mode: AccumulationMode, n: number, relError: number, bitIdentical = true): AccumulationCell => ({ n, seed: 1, mode, relError, bitIdentical });

/** The spec's §5 emulation: swamped sequential sums, tight chunked and SR ones. */
function accumulation(over: { seq4096?: number; seq65536?: number; chunk?: number; sr?: number } = {}): AccumulationCell[] {
  return [
    cell('sequential', 1024, 0),
    cell('sequential', 4096, over.seq4096 ?? -0.5),
    cell('sequential', 65536, over.seq65536 ?? -0.97),
    ...[1024, 4096, 65536].flatMap((n) => [cell('chunk64', n, n === 65536 ? (over.chunk ?? 0.003) : 0.001), cell('sequential-sr', n, n === 65536 ? (over.sr ?? 0.04) : 0.01, false)]),
  ];
}

describe('FP8 verdicts', () => {
  it('A. swamping without chunking, chunked and SR sums accurate', () => {
    expect(accumulationVerdict(result({ accumulation: accumulation() })).verdict).toBe('supported');
    expect(accumulationVerdict(result({ accumulation: accumulation({ seq4096: -0.3 }) })).verdict).toBe('not supported');
    expect(accumulationVerdict(result({ accumulation: accumulation({ seq65536: -0.85 }) })).verdict).toBe('not supported');
    expect(accumulationVerdict(result({ accumulation: accumulation({ chunk: -0.012 }) })).verdict).toBe('not supported');
    expect(accumulationVerdict(result({ accumulation: accumulation({ sr: 0.11 }) })).verdict).toBe('not supported');
    // No N = 65536, or no chunked cells: the criterion's numbers are missing.
    expect(accumulationVerdict(result({ accumulation: accumulation().filter((c) => c.n !== 65536) })).verdict).toBe('not measured');
    expect(accumulationVerdict(result({ accumulation: accumulation().filter((c) => c.mode !== 'chunk64') })).verdict).toBe('not measured');
  });

  it('A. every round-to-nearest GPU sum bit-identical to the CPU (SR sums exempt)', () => {
    expect(bitIdenticalVerdict(result({ accumulation: accumulation() })).verdict).toBe('supported');
    expect(bitIdenticalVerdict(result({ accumulation: [...accumulation(), cell('chunk16', 4096, 0.01, false)] })).verdict).toBe('not supported');
    expect(bitIdenticalVerdict(result({ accumulation: [cell('sequential-sr', 1024, 0.01)] })).verdict).toBe('not measured');
  });

  it('B. RNE leaves every weight at 1.0; SR mean within 5% of the exact value', () => {
    const exact = 1 - 1000 * 2 ** -12;
    const swamp = (rounding: 'rne' | 'sr', mean: number, unchanged: number): SwampingResult => ({ rounding, elements: 1000, steps: 1000, exact, mean, min: mean, max: mean, unchanged, lostUpdateFraction: 1 });
    expect(swampingVerdict(result({ swamping: [swamp('rne', 1, 1000), swamp('sr', 0.7556, 0)] })).verdict).toBe('supported');
    expect(swampingVerdict(result({ swamping: [swamp('rne', 0.9999, 999), swamp('sr', 0.7556, 0)] })).verdict).toBe('not supported');
    expect(swampingVerdict(result({ swamping: [swamp('rne', 1, 1000), swamp('sr', 0.8, 0)] })).verdict).toBe('not supported'); // +5.8%
    expect(swampingVerdict(result({ swamping: [swamp('rne', 1, 1000)] })).verdict).toBe('not measured');
  });

  describe('C. MNIST', () => {
    const run = (variant: MnistVariant, lr: number, accuracyPoints: number, lostUpdateFraction: number | null = null, seed = 1): MnistRunResult => ({
      variant, lr, epochs: 1, batchSize: 100, seed, hidden: [256, 256], seconds: 1, underflowFraction: null, lostUpdateFraction,
      macs: { total: 784 * 256 + 256 * 256 + 2560, fp8: variant === 'fp32' ? 0 : 256 * 256 },
      epochRecords: [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: accuracyPoints / 100, seconds: 1 }],
    });

    it('(i) paper config within 1.0 point of FP32 at the high lr', () => {
      expect(highLrVerdict(result({ mnist: [run('fp32', 0.02, 93.05), run('paper', 0.02, 92.25)] }), 0.02).verdict).toBe('supported');
      expect(highLrVerdict(result({ mnist: [run('fp32', 0.02, 93.05), run('paper', 0.02, 91.9)] }), 0.02).verdict).toBe('not supported');
      // A missing run is not an accuracy of 0: with no runs at all the old report compared 0 with 0 and passed.
      expect(highLrVerdict(result({ mnist: [run('paper', 0.02, 93)] }), 0.02).verdict).toBe('not measured');
      expect(highLrVerdict(result({ mnist: [] }), 0.02).verdict).toBe('not measured');
      expect(highLrVerdict(result({ mnist: [{ ...run('fp32', 0.02, 93), epochRecords: [] }, run('paper', 0.02, 93)] }), 0.02).verdict).toBe('not measured');
    });

    it('(ii) at the low lr: paper within 0.6 of FP32, round-to-nearest >= 0.4 below paper', () => {
      const low = (fp32: number, paper: number, rne: number) => result({ mnist: [run('fp32', 0.002, fp32), run('paper', 0.002, paper), run('rne-update', 0.002, rne)] });
      expect(lowLrVerdict(low(84.75, 84.6, 83.8), 0.002).verdict).toBe('supported');
      expect(lowLrVerdict(low(84.75, 84.0, 83.0), 0.002).verdict).toBe('not supported'); // paper 0.75 below FP32
      expect(lowLrVerdict(low(84.75, 84.6, 84.4), 0.002).verdict).toBe('not supported'); // RNE only 0.2 behind
      expect(lowLrVerdict(result({ mnist: [run('fp32', 0.002, 84.75), run('paper', 0.002, 84.6)] }), 0.002).verdict).toBe('not measured');
    });

    it('(iii) the RNE run at the low lr loses at least half its updates', () => {
      expect(lostUpdatesVerdict(result({ mnist: [run('rne-update', 0.002, 83.8, 0.79)] }), 0.002).verdict).toBe('supported');
      expect(lostUpdatesVerdict(result({ mnist: [run('rne-update', 0.002, 83.8, 0.4)] }), 0.002).verdict).toBe('not supported');
      // No run (it used to average to 0 and read "not supported"), or no count logged.
      expect(lostUpdatesVerdict(result({ mnist: [] }), 0.002).verdict).toBe('not measured');
      expect(lostUpdatesVerdict(result({ mnist: [run('rne-update', 0.002, 83.8, null)] }), 0.002).verdict).toBe('not measured');
    });

    it('(ii) pairs SR and RNE runs by seed for the paired t-test; one seed has no test', () => {
      // SR − RNE by seed: 1, 0, 2, 1, 2 (scipy.stats.ttest_rel: t = 3.2071, p = 0.0327); the RNE runs listed out of seed order.
      const sr = [85, 84, 86, 85, 86];
      const rne = [84, 84, 84, 84, 84];
      const mnist = [
        ...sr.map((a, i) => run('paper', 0.002, a, null, i + 1)),
        ...[4, 2, 0, 3, 1].map((i) => run('rne-update', 0.002, rne[i]!, 0.8, i + 1)),
        ...sr.map((_, i) => run('fp32', 0.002, 85.5, null, i + 1)),
      ];
      const test = srVsRneTest(result({ mnist }), 0.002)!;
      expect(test.n).toBe(5);
      expect(test.meanDifference).toBeCloseTo(1.2, 10);
      expect(test.p).toBeCloseTo(0.0327, 4);
      expect(lowLrVerdict(result({ mnist }), 0.002).ours).toContain('paired t over 5 seeds: SR − RNE +1.20 points (sd 0.84), t(4) = 3.21, p = 0.0327 two-sided');
      // A seed that ran only one of the two is left out of the pairs.
      expect(srVsRneTest(result({ mnist: mnist.filter((r) => !(r.variant === 'rne-update' && r.seed === 5)) }), 0.002)!.n).toBe(4);
      const oneSeed = result({ mnist: [run('fp32', 0.002, 84.75), run('paper', 0.002, 84.6), run('rne-update', 0.002, 83.8)] });
      expect(srVsRneTest(oneSeed, 0.002)).toBeNull();
      expect(lowLrVerdict(oneSeed, 0.002).ours).toContain('one seed: no paired test');
    });

    it('the report prints the share of multiply-adds in FP8 GEMMs, from the runs\' counts', () => {
      const paper = { ...run('paper', 0.02, 93), hidden: [32, 384, 384, 32], macs: networkMacs('paper', [784, 32, 384, 384, 32, 10]) };
      expect(paper.macs).toEqual({ total: 784 * 32 + 32 * 384 + 384 * 384 + 384 * 32 + 320, fp8: 32 * 384 + 384 * 384 + 384 * 32 });
      expect(fp8MacShare([run('fp32', 0.02, 93), paper])!.share).toBeCloseTo(172032 / 197440, 12);
      expect(networkMacs('all-fp8', [784, 256, 256, 10])).toEqual({ total: 268800, fp8: 268800 });
      expect(networkMacs('fp32', [784, 256, 256, 10]).fp8).toBe(0);
      expect(report(result({ mnist: [paper] })).text).toContain('hidden 32-384-384-32: FP8 GEMMs carry 87.1% of the multiply-adds');
      expect(fp8MacShare([run('fp32', 0.02, 93)])).toBeNull();
    });
  });
});
