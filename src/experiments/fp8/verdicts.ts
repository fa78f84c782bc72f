// The FP8 claims judged on a result against the spec's pass criteria (mission/papers/
// fp8-training.md §8 A–C; C is "average of 3 seeds" — here the mean of the seeds that ran): pure
// functions of the run's numbers.
import { meanOrNull, verdictOf, type Judged } from '../verdict.js';
import type { AccumulationCell, AccumulationMode } from './accumulation.js';
import type { Fp8Result } from './config.js';
import type { MnistRunResult, MnistVariant } from './mnist.js';
import { pairedT, type PairedT } from './paired-t.js';

export const SPEC_BARS = {
  /** A: sequential RNE relative error at most −40% at N = 4096 and −90% at N = 65536. */
  sequentialAt4096: -0.4,
  sequentialAt65536: -0.9,
  /** A: chunked (CL = 64) |error| below 1% and sequential SR below 10% at every N. */
  chunk64: 0.01,
  stochastic: 0.1,
  /** B: SR's mean weight within 5% of the exact 1 − 1000·2^-12 (RNE must leave every weight at 1.0). */
  swampingSr: 0.05,
  /** C(i): paper config within 1.0 point of FP32 at the high lr. */
  highLrGap: 1.0,
  /** C(ii): at the low lr, paper config within 0.6 points of FP32, round-to-nearest updates >= 0.4 below it. */
  lowLrGap: 0.6,
  rneBehind: 0.4,
  /** C(iii): the round-to-nearest run at the low lr loses at least half its updates. */
  lostUpdates: 0.5,
} as const;

/** The modes the kernel must reproduce bit for bit (SR draws its own bits on the GPU). */
export const RNE_MODES: readonly AccumulationMode[] = ['sequential', 'chunk16', 'chunk64', 'chunk256', 'binary16-sequential'];

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;

export function cellsOf(cells: readonly AccumulationCell[], mode: AccumulationMode, n?: number): AccumulationCell[] {
  return cells.filter((c) => c.mode === mode && (n === undefined || c.n === n));
}

/** A: sequential FP16 sums swamp; chunking fixes it; SR bounds the error. */
export function accumulationVerdict(result: Fp8Result): Judged {
  const cells = result.accumulation;
  const groups = [cellsOf(cells, 'sequential', 4096), cellsOf(cells, 'sequential', 65536), cellsOf(cells, 'chunk64'), cellsOf(cells, 'sequential-sr')];
  const [seq4096, seq65536, chunk64, sr] = groups;
  const worst = (cs: AccumulationCell[], f: (c: AccumulationCell) => number) => (cs.length ? Math.max(...cs.map(f)) : null);
  const parts: [string, number | null, number][] = [
    ['seq N=4096 worst', worst(seq4096!, (c) => c.relError), 1],
    ['N=65536 worst', worst(seq65536!, (c) => c.relError), 1],
    ['CL=64 max |err|', worst(chunk64!, (c) => Math.abs(c.relError)), 3],
    ['SR max |err|', worst(sr!, (c) => Math.abs(c.relError)), 2],
  ];
  const b = SPEC_BARS;
  const pass = groups.some((g) => !g.length)
    ? null
    : seq4096!.every((c) => c.relError <= b.sequentialAt4096) &&
      seq65536!.every((c) => c.relError <= b.sequentialAt65536) &&
      chunk64!.every((c) => Math.abs(c.relError) < b.chunk64) &&
      sr!.every((c) => Math.abs(c.relError) < b.stochastic);
  return {
    verdict: verdictOf(pass),
    ours: parts.map(([label, v, digits]) => `${label} ${v === null ? '—' : pct(v, digits)}`).join('; '),
  };
}

/** A: every GPU sum in a round-to-nearest mode equals the CPU reference bit for bit. */
export function bitIdenticalVerdict(result: Fp8Result): Judged {
  const rne = result.accumulation.filter((c) => RNE_MODES.includes(c.mode));
  const sr = cellsOf(result.accumulation, 'sequential-sr');
  return {
    verdict: verdictOf(rne.length ? rne.every((c) => c.bitIdentical) : null),
    ours: `${rne.filter((c) => c.bitIdentical).length}/${rne.length} RNE sums identical; SR sums ${sr.filter((c) => c.bitIdentical).length}/${sr.length}`,
  };
}

/** B: 1000 updates of −2^-12 on W = 1.0: RNE loses them all, SR keeps them on average. */
export function swampingVerdict(result: Fp8Result): Judged {
  const rne = result.swamping.find((s) => s.rounding === 'rne');
  const sr = result.swamping.find((s) => s.rounding === 'sr');
  if (!rne || !sr) return { verdict: 'not measured', ours: 'not run' };
  const srError = sr.mean / sr.exact - 1;
  return {
    verdict: verdictOf(rne.unchanged === rne.elements && Math.abs(srError) < SPEC_BARS.swampingSr),
    ours: `RNE: ${rne.unchanged}/${rne.elements} weights still 1.0; SR mean ${sr.mean.toFixed(4)} (exact ${sr.exact.toFixed(4)}, ${pct(srError)})`,
  };
}

/** Final-epoch test accuracy (points) averaged over seeds; null when no run (or a run without epochs) matches. */
export function finalAccuracy(runs: readonly MnistRunResult[], variant: MnistVariant, lr: number): number | null {
  const picked = runs.filter((r) => r.variant === variant && r.lr === lr);
  if (picked.some((r) => !r.epochRecords.length)) return null;
  const mean = meanOrNull(picked.map((r) => r.epochRecords.at(-1)!.testAccuracy));
  return mean === null ? null : 100 * mean;
}

const points = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);

/** C(i): at the high lr the paper configuration ends within 1 point of FP32. */
export function highLrVerdict(result: Fp8Result, highLr: number): Judged {
  const fp32 = finalAccuracy(result.mnist, 'fp32', highLr);
  const paper = finalAccuracy(result.mnist, 'paper', highLr);
  const measured = fp32 !== null && paper !== null;
  return {
    verdict: verdictOf(measured ? Math.abs(paper - fp32) <= SPEC_BARS.highLrGap : null),
    ours: measured ? `FP32 ${points(fp32)}, paper config ${points(paper)} (Δ ${(paper - fp32).toFixed(2)})` : 'not run',
  };
}

/**
 * C(ii)'s statistics: Student's paired t-test of the final test accuracy (points) of SR minus
 * round-to-nearest updates at the low lr, paired by seed (same initial weights, same batches).
 * Null with fewer than two seeds that ran both.
 */
export function srVsRneTest(result: Fp8Result, lowLr: number): PairedT | null {
  const finalBySeed = (variant: MnistVariant) =>
    new Map(result.mnist.filter((r) => r.variant === variant && r.lr === lowLr && r.epochRecords.length).map((r) => [r.seed, 100 * r.epochRecords.at(-1)!.testAccuracy]));
  const sr = finalBySeed('paper');
  const rne = finalBySeed('rne-update');
  const seeds = [...sr.keys()].filter((s) => rne.has(s));
  return seeds.length < 2 ? null : pairedT(seeds.map((s) => sr.get(s)!), seeds.map((s) => rne.get(s)!));
}

/** The paired test in words: "paired t over 5 seeds: SR − RNE +0.64 ± 0.50 (sd), t = 2.9, p = 0.045 (two-sided)". */
export function pairedTText(t: PairedT): string {
  const p = t.p < 1e-4 ? t.p.toExponential(1) : t.p.toFixed(4);
  return `paired t over ${t.n} seeds: SR − RNE ${t.meanDifference >= 0 ? '+' : ''}${t.meanDifference.toFixed(2)} points (sd ${t.sd.toFixed(2)}), t(${t.df}) = ${t.t.toFixed(2)}, p = ${p} two-sided`;
}

/**
 * C(ii): at the low lr SR updates track FP32 and round-to-nearest updates fall behind. The
 * verdict is the spec's bar on the seed means; the paired test is reported beside it.
 */
export function lowLrVerdict(result: Fp8Result, lowLr: number): Judged {
  const [fp32, paper, rne] = (['fp32', 'paper', 'rne-update'] as const).map((v) => finalAccuracy(result.mnist, v, lowLr));
  if (fp32 === null || paper === null || rne === null) return { verdict: 'not measured', ours: 'not run' };
  const test = srVsRneTest(result, lowLr);
  return {
    verdict: verdictOf(Math.abs(paper - fp32) <= SPEC_BARS.lowLrGap && paper - rne >= SPEC_BARS.rneBehind),
    ours: `FP32 ${points(fp32)}, SR ${points(paper)}, RNE ${points(rne)}; ${test ? pairedTText(test) : 'one seed: no paired test'}`,
  };
}

/** C(iii): most low-lr updates are below half an ulp of the FP16 weight (RNE run's logged fraction). */
export function lostUpdatesVerdict(result: Fp8Result, lowLr: number): Judged {
  const fractions = result.mnist.filter((r) => r.variant === 'rne-update' && r.lr === lowLr).map((r) => r.lostUpdateFraction);
  const lost = fractions.includes(null) ? null : meanOrNull(fractions as number[]);
  return {
    verdict: verdictOf(lost === null ? null : lost >= SPEC_BARS.lostUpdates),
    ours: lost === null ? 'not run' : `lost-update fraction (RNE run, lr ${lowLr}): ${pct(lost, 1)}`,
  };
}
