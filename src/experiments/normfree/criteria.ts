// The spec's pass criteria N1–N4 (§7), judged on a result. One place decides them: the report
// prints these verdicts and the tests assert them.
import type { NormfreeConfig, NormfreeResult, SignalCurve } from './config.js';
import type { Variant } from './model.js';
import type { NormfreeRunResult } from './train.js';

export interface Verdict {
  id: 'N1' | 'N2' | 'N3' | 'N4';
  /** null: the config did not measure what the criterion needs. */
  pass: boolean | null;
  detail: string;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'non-finite');
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function runsOf(runs: readonly NormfreeRunResult[], variant: Variant, depth: number, lr?: number): NormfreeRunResult[] {
  return runs.filter((r) => r.variant === variant && r.depth === depth && (lr === undefined || r.lr === lr));
}

/** Mean test accuracy over seeds; NaN if any seed's loss became non-finite or nothing ran. */
export function meanAccuracy(runs: readonly NormfreeRunResult[], variant: Variant, depth: number, lr?: number): number {
  const picked = runsOf(runs, variant, depth, lr);
  return picked.length ? mean(picked.map((r) => r.testAccuracy)) : NaN;
}

/** BN's better learning rate at a depth (by mean test accuracy, as the spec keeps "the better on test"). */
export function bestBatchNorm(runs: readonly NormfreeRunResult[], depth: number): { lr: number; accuracy: number } | null {
  const lrs = [...new Set(runsOf(runs, 'bn', depth).map((r) => r.lr))];
  const scored = lrs.map((lr) => ({ lr, accuracy: meanAccuracy(runs, 'bn', depth, lr) }));
  const finite = scored.filter((s) => Number.isFinite(s.accuracy));
  if (!scored.length) return null;
  return finite.length ? finite.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)) : scored[0]!;
}

/** Largest block value over the first block's, and smallest (non-finite counts as unbounded growth). */
export function signalSpread(curve: SignalCurve): { max: number; min: number } {
  const first = curve.blocks[0]!;
  const ratios = curve.blocks.map((v) => (Number.isFinite(v) ? v / first : Infinity));
  return { max: Math.max(...ratios), min: Math.min(...ratios) };
}

function n1(signal: readonly SignalCurve[], depths: readonly number[]): Verdict {
  const rescale = signal.filter((s) => s.variant === 'rescale');
  const plainDepth = depths.includes(20) ? 20 : Math.min(...depths);
  const plain = signal.find((s) => s.variant === 'plain' && s.depth === plainDepth);
  if (!rescale.length || !plain) return { id: 'N1', pass: null, detail: 'needs RESCALE and PLAIN probes' };
  const spreads = rescale.map((s) => ({ depth: s.depth, ...signalSpread(s) }));
  const growth = signalSpread(plain).max;
  const ok = spreads.every((s) => s.max <= 4 && s.min >= 1 / 4) && growth > 1e3;
  const within = spreads.map((s) => `K=${s.depth}: ${s.min.toFixed(2)}–${s.max.toFixed(2)}×`).join(', ');
  return { id: 'N1', pass: ok, detail: `RESCALE block/block-1 ratio ${within} (bar: within 4×); PLAIN K=${plainDepth} grows ${growth.toExponential(1)}× (bar: > 1e3)` };
}

function n2(runs: readonly NormfreeRunResult[], c: NormfreeConfig): Verdict {
  const { n2Depth, n2MinAccuracy, n2MaxDrop } = c.criteria;
  const shallow = Math.min(...c.depths);
  const deep = meanAccuracy(runs, 'rescale', n2Depth);
  const base = meanAccuracy(runs, 'rescale', shallow);
  if (!runsOf(runs, 'rescale', n2Depth).length || !runsOf(runs, 'rescale', shallow).length) return { id: 'N2', pass: null, detail: `needs RESCALE at K=${n2Depth} and K=${shallow}` };
  const ok = deep >= n2MinAccuracy && deep >= base - n2MaxDrop;
  return { id: 'N2', pass: ok, detail: `RESCALE K=${n2Depth}: ${pct(deep)} (bar ≥ ${pct(n2MinAccuracy)}), K=${shallow}: ${pct(base)} (bar: K=${n2Depth} within ${(100 * n2MaxDrop).toFixed(1)} points below)` };
}

/** Judged at every depth where both RESCALE and BN ran. */
function n3(runs: readonly NormfreeRunResult[], c: NormfreeConfig): Verdict {
  const rows = c.depths
    .filter((depth) => runsOf(runs, 'rescale', depth).length > 0)
    .map((depth) => ({ depth, rescale: meanAccuracy(runs, 'rescale', depth), bn: bestBatchNorm(runs, depth) }))
    .filter((r): r is { depth: number; rescale: number; bn: { lr: number; accuracy: number } } => r.bn !== null);
  if (!rows.length) return { id: 'N3', pass: null, detail: 'needs RESCALE and BN at a common depth' };
  const tol = c.criteria.n3Tolerance;
  // A BN that diverged at every lr sets no bar.
  const ok = rows.every((r) => r.rescale >= (Number.isFinite(r.bn.accuracy) ? r.bn.accuracy : -Infinity) - tol);
  const detail = rows.map((r) => `K=${r.depth}: ${pct(r.rescale)} vs BN ${pct(r.bn.accuracy)} (lr ${r.bn.lr})`).join('; ');
  return { id: 'N3', pass: ok, detail: `${detail} (bar: RESCALE ≥ best BN − ${(100 * tol).toFixed(1)} points)` };
}

function n4(runs: readonly NormfreeRunResult[], c: NormfreeConfig): Verdict {
  const depths = c.depths.filter((d) => d === 50 || d === 100);
  const checked = depths.flatMap((d) => [...runsOf(runs, 'plain', d), ...runsOf(runs, 'rescale-noalpha', d)]);
  if (!depths.length || !checked.length) return { id: 'N4', pass: null, detail: 'needs PLAIN and RESCALE-noalpha at K = 50 or 100' };
  const failed = (r: NormfreeRunResult) => r.diverged !== null || r.testAccuracy < 0.5;
  const describe = (r: NormfreeRunResult) =>
    `${r.variant} K=${r.depth} s${r.seed}: ${r.diverged ? `non-finite at epoch ${r.diverged.epoch} step ${r.diverged.step}` : pct(r.testAccuracy)}`;
  return { id: 'N4', pass: checked.every(failed), detail: `${checked.map(describe).join('; ')} (bar: non-finite or < 50%)` };
}

export function judge(result: NormfreeResult): Verdict[] {
  const c = result.config;
  return [n1(result.signal, c.depths), n2(result.runs, c), n3(result.runs, c), n4(result.runs, c)];
}
