// The GCE claims judged on a result against the spec's pass criteria (mission/papers/gce-loss.md
// §8, final-epoch clean test accuracy, "mean of 2 seeds" — here the mean of the seeds that ran):
// pure functions of the run's numbers.
import { meanOrNull, verdictOf, type Judged } from '../verdict.js';
import type { NoiseSetting } from './data.js';
import type { GceResult, SettingRun } from './config.js';
import type { GceLoss, PruneEvent } from './train.js';

/** Margins in accuracy points, fractions of the training set. */
export const SPEC_BARS = {
  /** 1. uniform 0.6: L_q >= CCE + 15, and CCE's final >= 15 below its own peak. */
  lqOverCce: 15,
  cceDrop: 15,
  /** 2. uniform 0.6: truncated >= L_q + 2; the last pruning removes a fraction in [0.35, 0.75], >= 90% of it mislabelled. */
  truncOverLq: 2,
  prunedRange: [0.35, 0.75] as const,
  prunedMislabelled: 0.9,
  /** 3. clean labels: L_q >= CCE − 1.5. */
  cleanTolerance: 1.5,
  /** 4. uniform 0.6: MAE <= L_q − 5. */
  maeUnderLq: 5,
  /** 5. class-dependent 0.4: truncated >= CCE + 1. */
  truncOverCceClassDep: 1,
} as const;

export const UNIFORM_06: NoiseSetting = { kind: 'uniform', rate: 0.6 };
export const PAIR_04: NoiseSetting = { kind: 'pair', rate: 0.4 };
export const CLEAN: NoiseSetting = { kind: 'none', rate: 0 };

const sameNoise = (a: NoiseSetting, b: NoiseSetting) => a.kind === b.kind && (a.kind === 'none' || a.rate === b.rate);

export function runsOf(result: GceResult, noise: NoiseSetting, loss: GceLoss): SettingRun[] {
  return result.runs.filter((r) => r.loss === loss && sameNoise(r.noise, noise));
}

/** Mean over seeds of a run statistic, in points; null when that setting did not run. */
function points(result: GceResult, noise: NoiseSetting, loss: GceLoss, stat: (r: SettingRun) => number): number | null {
  const m = meanOrNull(runsOf(result, noise, loss).map(stat));
  return m === null ? null : 100 * m;
}
const final = (result: GceResult, noise: NoiseSetting, loss: GceLoss) => points(result, noise, loss, (r) => r.finalTest);
const f = (v: number | null) => (v === null ? '—' : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
/** pass(...) when every value is there, else null. */
function whenAll(values: readonly (number | null)[], pass: (...v: number[]) => boolean): boolean | null {
  return values.some((v) => v === null) ? null : pass(...(values as number[]));
}

/** 1a. L_q beats CCE by 15 points under uniform 0.6 noise. */
export function lqOverCceVerdict(result: GceResult): Judged {
  const [cce, lq] = [final(result, UNIFORM_06, 'cce'), final(result, UNIFORM_06, 'lq')];
  return {
    verdict: verdictOf(whenAll([lq, cce], (l, c) => l >= c + SPEC_BARS.lqOverCce)),
    ours: `uniform 0.6, final clean test: CCE ${f(cce)}, L_q ${f(lq)} (bar: L_q >= CCE + ${SPEC_BARS.lqOverCce})`,
  };
}

/** 1b. CCE's final accuracy under uniform 0.6 is 15 points below its own peak (memorisation). */
export function memorisationVerdict(result: GceResult): Judged {
  const peak = points(result, UNIFORM_06, 'cce', (r) => r.peakTest);
  const fin = final(result, UNIFORM_06, 'cce');
  return {
    verdict: verdictOf(whenAll([peak, fin], (p, x) => x <= p - SPEC_BARS.cceDrop)),
    ours: `uniform 0.6: CCE peak ${f(peak)}, final ${f(fin)} (bar: final <= peak − ${SPEC_BARS.cceDrop})`,
  };
}

/** 2. Truncated L_q beats L_q by 2 points under uniform 0.6, pruning mostly mislabelled examples. */
export function truncationVerdict(result: GceResult): Judged {
  const [trunc, lq] = [final(result, UNIFORM_06, 'trunc'), final(result, UNIFORM_06, 'lq')];
  const truncRuns = runsOf(result, UNIFORM_06, 'trunc');
  const last = truncRuns.map((r) => r.prunes.at(-1)).filter((p): p is PruneEvent => p !== undefined);
  // Every truncated run must have pruned: a run that never did has no fraction to judge.
  const [pruned, mislabelled] = last.length === truncRuns.length ? [meanOrNull(last.map((p) => p.prunedFraction)), meanOrNull(last.map((p) => p.prunedMislabelled))] : [null, null];
  const [lo, hi] = SPEC_BARS.prunedRange;
  return {
    verdict: verdictOf(
      whenAll([trunc, lq, pruned, mislabelled], (t, l, p, m) => t >= l + SPEC_BARS.truncOverLq && p >= lo && p <= hi && m >= SPEC_BARS.prunedMislabelled),
    ),
    ours:
      `uniform 0.6: trunc ${f(trunc)} vs L_q ${f(lq)} (bar: +${SPEC_BARS.truncOverLq}); last pruning removed ${pct(pruned)} of training examples, ` +
      `${pct(mislabelled)} of them mislabelled (bars: ${pct(lo)}–${pct(hi)}, >= ${pct(SPEC_BARS.prunedMislabelled)})`,
  };
}

/** 3. On clean labels L_q is at most 1.5 points below CCE. */
export function cleanVerdict(result: GceResult): Judged {
  const [cce, lq] = [final(result, CLEAN, 'cce'), final(result, CLEAN, 'lq')];
  return {
    verdict: verdictOf(whenAll([lq, cce], (l, c) => l >= c - SPEC_BARS.cleanTolerance)),
    ours: `clean: CCE ${f(cce)}, L_q ${f(lq)} (bar: L_q >= CCE − ${SPEC_BARS.cleanTolerance})`,
  };
}

/** 4. MAE under-fits: 5 points below L_q under uniform 0.6. */
export function maeVerdict(result: GceResult): Judged {
  const [mae, lq] = [final(result, UNIFORM_06, 'mae'), final(result, UNIFORM_06, 'lq')];
  return {
    verdict: verdictOf(whenAll([mae, lq], (m, l) => m <= l - SPEC_BARS.maeUnderLq)),
    ours: `uniform 0.6: MAE ${f(mae)} vs L_q ${f(lq)} (bar: MAE <= L_q − ${SPEC_BARS.maeUnderLq})`,
  };
}

/** 5. Under class-dependent 0.4 noise truncated L_q beats CCE by 1 point. */
export function classDependentVerdict(result: GceResult): Judged {
  const [cce, lq, trunc] = (['cce', 'lq', 'trunc'] as const).map((l) => final(result, PAIR_04, l));
  return {
    verdict: verdictOf(whenAll([trunc, cce], (t, c) => t >= c + SPEC_BARS.truncOverCceClassDep)),
    ours: `class-dep 0.4: CCE ${f(cce)}, L_q ${f(lq)}, trunc ${f(trunc)} (bar: trunc >= CCE + ${SPEC_BARS.truncOverCceClassDep})`,
  };
}
