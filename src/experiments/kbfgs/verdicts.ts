// The K-BFGS claims judged on a result against the spec's pass criteria (mission/papers/k-bfgs.md
// §11: best setting of each method, full-training-set loss after the last epoch, per seed; no pass
// may come from a run that produced NaN at any epoch): pure functions of the run's numbers.
import { verdictOf, type Judged } from '../verdict.js';
import { METHOD_NAMES, settingLabel, type MethodKind } from './methods.js';
import { runsOf, type KbfgsResult } from './protocol.js';
import { finalLoss, type RunResult } from './train.js';

export const SPEC_BARS = {
  /** loss(best K-BFGS) <= 1.05 × loss(best Adam) and <= 0.8 × loss(best SGD-m). */
  kbfgsOverAdam: 1.05,
  kbfgsOverSgdm: 0.8,
  /** loss(best K-FAC) <= 0.75 × loss(best Adam). */
  kfacOverAdam: 0.75,
  /** K-BFGS without double damping diverges or ends >= 25% worse than with it. */
  noDdWorse: 1.25,
} as const;

export const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'diverged');

/** The runs of a method's best setting, one per seed. */
export function bestRuns(result: KbfgsResult, kind: MethodKind): RunResult[] {
  const s = result.best[kind];
  return s ? runsOf(result.runs, s) : [];
}

/** "α=0.1 λ=0.3: 117.8 (seed 0), 124.5 (seed 1)": the best setting and its final loss per seed. */
export function lossesBySeed(result: KbfgsResult, kind: MethodKind): string {
  const s = result.best[kind];
  if (!s) return s === null ? 'diverged at every setting' : 'no run';
  const setting = settingLabel(s).slice(METHOD_NAMES[kind].length + 1);
  return `${setting}: ${bestRuns(result, kind).map((r) => `${fmtLoss(finalLoss(r))} (seed ${r.seed})`).join(', ')}`;
}

/** Finite loss at every epoch: a run that produced NaN anywhere cannot carry a pass. */
const clean = (r: RunResult) => !r.diverged && r.curve.every((p) => Number.isFinite(p.loss));

/** Runs paired by seed (seeds where both ran). */
function bySeed(ra: readonly RunResult[], rb: readonly RunResult[]): [RunResult, RunResult][] {
  return ra.flatMap((r) => {
    const other = rb.find((x) => x.seed === r.seed);
    return other ? [[r, other] as [RunResult, RunResult]] : [];
  });
}

/** The best runs of a and b paired by seed. */
const pairs = (result: KbfgsResult, a: MethodKind, b: MethodKind) => bySeed(bestRuns(result, a), bestRuns(result, b));

/** Every run of a study paired with K-BFGS's run at the same (α, λ) and seed (from the grid). */
export function againstKbfgs(result: KbfgsResult, study: MethodKind): [RunResult, RunResult][] {
  return result.runs.flatMap((r) => {
    if (r.setting.kind !== study) return [];
    const base = result.runs.find((x) => x.setting.kind === 'kbfgs' && x.setting.lr === r.setting.lr && x.setting.damping === r.setting.damping && x.seed === r.seed);
    return base ? [[r, base] as [RunResult, RunResult]] : [];
  });
}

/** "α=0.3 λ=1, seed 0: 130.2 vs 101.0; …": a study's runs beside K-BFGS's at the same setting and seed. */
export function pairsText(pairs: readonly [RunResult, RunResult][]): string {
  return pairs.map(([a, b]) => `α=${a.setting.lr} λ=${a.setting.damping}, seed ${a.seed}: ${fmtLoss(finalLoss(a))} vs ${fmtLoss(finalLoss(b))}`).join('; ') || 'no run beside a K-BFGS run at its setting';
}

/** On every seed both ran: both runs clean and loss(a) <= factor × loss(b). Null when no seed has both. */
function atMost(result: KbfgsResult, a: MethodKind, b: MethodKind, factor: number): boolean | null {
  const p = pairs(result, a, b);
  return p.length ? p.every(([x, y]) => clean(x) && clean(y) && finalLoss(x) <= factor * finalLoss(y)) : null;
}

const met = (pass: boolean | null) => (pass === null ? 'not measured' : pass ? 'met' : 'missed');

/** K-BFGS beats the first-order methods: <= 1.05 × Adam and <= 0.8 × SGD-m on every seed. */
export function firstOrderVerdict(result: KbfgsResult): Judged {
  const vsAdam = atMost(result, 'kbfgs', 'adam', SPEC_BARS.kbfgsOverAdam);
  const vsSgd = atMost(result, 'kbfgs', 'sgdm', SPEC_BARS.kbfgsOverSgdm);
  return {
    verdict: verdictOf(vsAdam === null || vsSgd === null ? null : vsAdam && vsSgd),
    ours:
      `final training loss, best settings: K-BFGS ${lossesBySeed(result, 'kbfgs')}; Adam ${lossesBySeed(result, 'adam')}; SGD-m ${lossesBySeed(result, 'sgdm')}; ` +
      `the authors' Adam ${lossesBySeed(result, 'adam-authors')}; the authors' RMSprop ${lossesBySeed(result, 'rmsprop-authors')}. ` +
      `Spec bar per seed: K-BFGS ≤ ${SPEC_BARS.kbfgsOverAdam}×Adam (${met(vsAdam)}) and ≤ ${SPEC_BARS.kbfgsOverSgdm}×SGD-m (${met(vsSgd)})`,
  };
}

/** K-FAC, the baseline, is well ahead of Adam: <= 0.75 × Adam on every seed. */
export function kfacVerdict(result: KbfgsResult): Judged {
  const ok = atMost(result, 'kfac', 'adam', SPEC_BARS.kfacOverAdam);
  return {
    verdict: verdictOf(ok),
    ours: `K-FAC ${lossesBySeed(result, 'kfac')}; Adam ${lossesBySeed(result, 'adam')}. Spec bar per seed: K-FAC ≤ ${SPEC_BARS.kfacOverAdam}×Adam (${met(ok)})`,
  };
}

/** Without double damping K-BFGS diverges or ends >= 25% worse than with it (a clean run) at the same setting and seed, for every such pair. */
export function doubleDampingVerdict(result: KbfgsResult): Judged {
  const p = againstKbfgs(result, 'kbfgs-nodd');
  const ok = p.length ? p.every(([nodd, dd]) => clean(dd) && (!clean(nodd) || finalLoss(nodd) >= SPEC_BARS.noDdWorse * finalLoss(dd))) : null;
  return {
    verdict: verdictOf(ok),
    ours: `final loss without DD vs with DD: ${pairsText(p)}. Spec bar: no-DD diverges or ends ≥ 25% worse (${met(ok)})`,
  };
}
