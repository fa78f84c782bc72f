// The K-BFGS claims judged on a result against the spec's pass criteria (mission/papers/k-bfgs.md
// §11: best setting of each method, full-training-set loss after the last epoch, per seed; no pass
// may come from a run that produced NaN at any epoch): pure functions of the run's numbers.
import { verdictOf, type Judged } from '../verdict.js';
import { settingLabel, type MethodKind, type MethodSetting } from './methods.js';
import type { KbfgsResult } from './protocol.js';
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
const sameSetting = (a: MethodSetting, b: MethodSetting) => a.kind === b.kind && a.lr === b.lr && a.damping === b.damping;

/** The runs of a method's best setting, one per seed. */
export function bestRuns(result: KbfgsResult, kind: MethodKind): RunResult[] {
  const s = result.best[kind];
  return s ? result.runs.filter((r) => sameSetting(r.setting, s)) : [];
}

export function lossesBySeed(result: KbfgsResult, kind: MethodKind): string {
  return bestRuns(result, kind).map((r) => `${fmtLoss(finalLoss(r))} (seed ${r.seed})`).join(', ') || 'no run';
}

/** Finite loss at every epoch: a run that produced NaN anywhere cannot carry a pass. */
const clean = (r: RunResult) => !r.diverged && r.curve.every((p) => Number.isFinite(p.loss));

/** The best runs of a and b paired by seed (seeds where both ran). */
function pairs(result: KbfgsResult, a: MethodKind, b: MethodKind): [RunResult, RunResult][] {
  const rb = bestRuns(result, b);
  return bestRuns(result, a).flatMap((r) => {
    const other = rb.find((x) => x.seed === r.seed);
    return other ? [[r, other] as [RunResult, RunResult]] : [];
  });
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
      `final training loss, best settings: K-BFGS ${lossesBySeed(result, 'kbfgs')}; Adam ${lossesBySeed(result, 'adam')}; SGD-m ${lossesBySeed(result, 'sgdm')}. ` +
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

/** Without double damping K-BFGS diverges or ends >= 25% worse than with it (a clean run), on every seed. */
export function doubleDampingVerdict(result: KbfgsResult): Judged {
  const p = pairs(result, 'kbfgs-nodd', 'kbfgs');
  const ok = p.length ? p.every(([nodd, dd]) => clean(dd) && (!clean(nodd) || finalLoss(nodd) >= SPEC_BARS.noDdWorse * finalLoss(dd))) : null;
  const at = result.best.kbfgs ? `at ${settingLabel(result.best.kbfgs)}: ` : '';
  return {
    verdict: verdictOf(ok),
    ours: `${at}without DD ${lossesBySeed(result, 'kbfgs-nodd')}; with DD ${lossesBySeed(result, 'kbfgs')}. Spec bar: no-DD diverges or ends ≥ 25% worse (${met(ok)})`,
  };
}
