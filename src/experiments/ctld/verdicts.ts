// The CTLD claims judged on a result against the spec's bars (mission/papers/ctld.md §10 A, the
// toy study's counts over its 6 seeds; §10 B, "mean of 3 seeds" — here the mean of the seeds
// that ran): pure functions of the run's numbers.
import { meanOrNull, verdictOf, type Judged } from '../verdict.js';
import type { CtldResult } from './config.js';
import type { ToyChain, ToyVariant } from './toy.js';
import { DELTA1, type Method, type MethodRun, type Phase1Report } from './train.js';

export const SPEC_BARS = {
  /** (i) acc(CTLD) >= acc(SGD-m) − 0.3 points; the mission's claim names Adam too, held to the same bar. */
  accuracyTolerance: 0.3,
  /** (ii) fraction of phase-1 steps with g(α) < 1. */
  notColdRange: [0.2, 0.8] as const,
  /** (iii) the same with η_α / 10 stays below this. */
  slowAlphaMax: 0.05,
  /** (iv) the switch happens with |α| <= δ1 (spec §2 default, which training uses) or is flagged as cap-triggered. */
  delta1: DELTA1,
} as const;

export const TOY_BARS = {
  /** §10 A is judged on (at least) this many seeds. */
  seeds: 6,
  /** SGHMC crosses the barrier in at most this many of the 6 seeds, CTLD with the force in at least this many. */
  sghmcMaxCrossings: 1,
  ctldMinCrossings: 3,
  /** Second-half cold fraction (|α| <= δ1), mean over seeds: with the force inside this range, without it at most the max. */
  coldRange: [0.2, 0.8] as const,
  noAbfColdMax: 0.05,
} as const;

const runsOf = (result: CtldResult, m: Method): MethodRun[] => result.runs.filter((r) => r.method === m);
/** Mean final clean test accuracy in points, null when the method did not run. */
const accuracy = (result: CtldResult, m: Method): number | null => {
  const mean = meanOrNull(runsOf(result, m).map((r) => r.finalTest));
  return mean === null ? null : 100 * mean;
};
/** Phase-1 reports of every run of a method; null when it did not run or a run has none. */
function phase1Of(result: CtldResult, m: Method): Phase1Report[] | null {
  const runs = runsOf(result, m);
  return runs.length && runs.every((r) => r.phase1) ? runs.map((r) => r.phase1!) : null;
}
const notCold = (result: CtldResult, m: Method): number | null => {
  const p1 = phase1Of(result, m);
  return p1 ? meanOrNull(p1.map((p) => p.notColdFraction)) : null;
};
const f = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(2)}%`);

/** (i) CTLD then SGD-m ends no more than the tolerance below SGD-m and below Adam. */
export function accuracyVerdict(result: CtldResult): Judged {
  const [sgdm, adam, sgld, ctld] = (['sgdm', 'adam', 'sgld', 'ctld'] as const).map((m) => accuracy(result, m));
  const tol = SPEC_BARS.accuracyTolerance;
  const pass = ctld === null || sgdm === null || adam === null ? null : ctld >= sgdm - tol && ctld >= adam - tol;
  return {
    verdict: verdictOf(pass),
    ours: `final test accuracy: SGD-m ${f(sgdm)}, Adam ${f(adam)}, SGLD→SGD-m ${f(sgld)}, CTLD→SGD-m ${f(ctld)} (bar: CTLD >= SGD-m − ${tol} and >= Adam − ${tol})`,
  };
}

/** (ii) α leaves the cold region in a fraction of phase 1 inside the bar's range. */
export function temperatureVerdict(result: CtldResult): Judged {
  const nc = notCold(result, 'ctld');
  const [lo, hi] = SPEC_BARS.notColdRange;
  return {
    verdict: verdictOf(nc === null ? null : nc >= lo && nc <= hi),
    ours: `CTLD: g(α) < 1 in ${pct(nc)} of phase-1 steps (bar: ${100 * lo}–${100 * hi}%)`,
  };
}

/** (iii) with η_α / 10, α stays (almost always) cold. */
export function slowAlphaVerdict(result: CtldResult): Judged {
  const slow = notCold(result, 'ctld-slow-alpha');
  return {
    verdict: verdictOf(slow === null ? null : slow < SPEC_BARS.slowAlphaMax),
    ours: `η_α / 10: g(α) < 1 in ${pct(slow)} of phase-1 steps (bar: < ${100 * SPEC_BARS.slowAlphaMax}%)`,
  };
}

/** (iv) every CTLD run switched back in the cold region, or at the cap (never after it). */
export function switchVerdict(result: CtldResult): Judged {
  const runs = runsOf(result, 'ctld');
  const p1 = phase1Of(result, 'ctld');
  const cap = result.config.train.switchCapSteps;
  const ok = (p: Phase1Report) => p.extraSteps <= cap && (p.capTriggered || Math.abs(p.switchAlpha) <= SPEC_BARS.delta1);
  return {
    verdict: verdictOf(p1 === null ? null : p1.every(ok)),
    ours:
      (p1 === null
        ? '—'
        : p1.map((p, i) => `seed ${runs[i]!.seed}: +${p.extraSteps} steps, α = ${p.switchAlpha.toFixed(3)}${p.capTriggered ? ' (cap)' : ''}`).join('; ')) +
      ` (bar: |α| <= ${SPEC_BARS.delta1} or cap-triggered, within ${cap} extra steps)`,
  };
}

const toyChains = (result: CtldResult, v: ToyVariant): ToyChain[] => result.toy?.chains.filter((c) => c.variant === v) ?? [];
/** Seeds of a variant that crossed, out of how many ran; null when fewer than the bar's seeds ran. */
function crossings(result: CtldResult, v: ToyVariant): { crossed: number; seeds: number } | null {
  const chains = toyChains(result, v);
  return chains.length >= TOY_BARS.seeds ? { crossed: chains.filter((c) => c.crossingStep !== null).length, seeds: chains.length } : null;
}
const toyCold = (result: CtldResult, v: ToyVariant): number | null => {
  const chains = toyChains(result, v);
  return chains.length >= TOY_BARS.seeds ? meanOrNull(chains.map((c) => c.coldFraction ?? NaN)) : null;
};
const count = (c: { crossed: number; seeds: number } | null) => (c === null ? '—' : `${c.crossed} of ${c.seeds}`);

/** §10 A: tempering with the biasing force gets over the barrier where SGHMC stays in the shallow well. */
export function crossingVerdict(result: CtldResult): Judged {
  const [sghmc, ctld, noAbf] = (['sghmc', 'ctld', 'ctld-no-abf'] as const).map((v) => crossings(result, v));
  const pass = sghmc === null || ctld === null ? null : sghmc.crossed <= TOY_BARS.sghmcMaxCrossings && ctld.crossed >= TOY_BARS.ctldMinCrossings;
  return {
    verdict: verdictOf(pass),
    ours:
      `seeds reaching t1 < ${result.toy?.config.crossAt ?? '—'}: SGHMC ${count(sghmc)}, CTLD with the force ${count(ctld)}, without it ${count(noAbf)} ` +
      `(bar over ${TOY_BARS.seeds}+ seeds: SGHMC <= ${TOY_BARS.sghmcMaxCrossings}, CTLD with the force >= ${TOY_BARS.ctldMinCrossings})`,
  };
}

/** §10 A: the biasing force keeps α visiting the cold state; without it α sticks hot. */
export function toyColdVerdict(result: CtldResult): Judged {
  const [withAbf, without] = (['ctld', 'ctld-no-abf'] as const).map((v) => toyCold(result, v));
  const [lo, hi] = TOY_BARS.coldRange;
  const pass = withAbf === null || without === null ? null : withAbf >= lo && withAbf <= hi && without <= TOY_BARS.noAbfColdMax;
  return {
    verdict: verdictOf(pass),
    ours: `second-half cold fraction (|α| <= ${SPEC_BARS.delta1}), mean over seeds: with the force ${pct(withAbf)}, without ${pct(without)} (bar: ${100 * lo}–${100 * hi}% with, <= ${100 * TOY_BARS.noAbfColdMax}% without)`,
  };
}
