// The spec's pass criteria N1–N4 (§7), judged on a result against the spec's bars. One place
// decides them: the report prints these verdicts and the tests assert them.
import type { NormfreeConfig, NormfreeResult, SignalCurve } from './config.js';
import type { Variant } from './model.js';
import type { NormfreeRunResult } from './train.js';

export interface Verdict {
  id: 'N1' | 'N2' | 'N3' | 'N4';
  /** null: the result lacks what the criterion needs. */
  pass: boolean | null;
  detail: string;
}

/** The spec's bars: the full protocol's, and its CI profile's (K in {20, 50}, 2 epochs, 1 seed). */
export interface NormfreeBars {
  /** N2: RESCALE's mean accuracy at n2Depth reaches this, at most n2MaxDrop below its accuracy at K = 20. */
  n2Depth: number;
  n2MinAccuracy: number;
  n2MaxDrop: number;
  /** N3: RESCALE >= best BN − this, at every depth of the sweep. */
  n3Tolerance: number;
  /** N4: PLAIN and RESCALE-noalpha fail at each of these depths. */
  n4Depths: readonly number[];
}

export const FULL_BARS: NormfreeBars = { n2Depth: 100, n2MinAccuracy: 0.9, n2MaxDrop: 0.015, n3Tolerance: 0.01, n4Depths: [50, 100] };
/** "N2 threshold lowered to 85% (at K = 50), N3 tolerance widened to 2 points" (spec §7, quick CI profile). */
export const CI_BARS: NormfreeBars = { n2Depth: 50, n2MinAccuracy: 0.85, n2MaxDrop: 0.015, n3Tolerance: 0.02, n4Depths: [50] };

/** The full protocol's bars when the sweep reaches its K = 100; the CI profile's otherwise. */
export const barsFor = (c: NormfreeConfig): NormfreeBars => (c.depths.includes(100) ? FULL_BARS : CI_BARS);

/** N1 and N2 compare with the spec's shallowest depth. */
const SHALLOW = 20;
/** N1: RESCALE blocks within this factor of block 1; PLAIN at K = 20 grows by more than PLAIN_GROWTH. */
const RESCALE_SPREAD = 4;
const PLAIN_GROWTH = 1e3;
/** N4: a run "fails" below this accuracy. */
const N4_MAX_ACCURACY = 0.5;

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
  const rescale = depths.map((d) => signal.find((s) => s.variant === 'rescale' && s.depth === d));
  const plain = signal.find((s) => s.variant === 'plain' && s.depth === SHALLOW);
  if (!depths.length || rescale.includes(undefined) || !plain) return { id: 'N1', pass: null, detail: `needs RESCALE probes at every K of the sweep and PLAIN at K=${SHALLOW}` };
  const spreads = (rescale as SignalCurve[]).map((s) => ({ depth: s.depth, ...signalSpread(s) }));
  const growth = signalSpread(plain).max;
  const ok = spreads.every((s) => s.max <= RESCALE_SPREAD && s.min >= 1 / RESCALE_SPREAD) && growth > PLAIN_GROWTH;
  const within = spreads.map((s) => `K=${s.depth}: ${s.min.toFixed(2)}–${s.max.toFixed(2)}×`).join(', ');
  return { id: 'N1', pass: ok, detail: `RESCALE block/block-1 ratio ${within} (bar: within ${RESCALE_SPREAD}×); PLAIN K=${SHALLOW} grows ${growth.toExponential(1)}× (bar: > 1e3)` };
}

function n2(runs: readonly NormfreeRunResult[], bars: NormfreeBars): Verdict {
  const { n2Depth, n2MinAccuracy, n2MaxDrop } = bars;
  if (!runsOf(runs, 'rescale', n2Depth).length || !runsOf(runs, 'rescale', SHALLOW).length) return { id: 'N2', pass: null, detail: `needs RESCALE at K=${n2Depth} and K=${SHALLOW}` };
  const deep = meanAccuracy(runs, 'rescale', n2Depth);
  const base = meanAccuracy(runs, 'rescale', SHALLOW);
  const ok = deep >= n2MinAccuracy && deep >= base - n2MaxDrop;
  return { id: 'N2', pass: ok, detail: `RESCALE K=${n2Depth}: ${pct(deep)} (bar ≥ ${pct(n2MinAccuracy)}), K=${SHALLOW}: ${pct(base)} (bar: K=${n2Depth} within ${(100 * n2MaxDrop).toFixed(1)} points below)` };
}

/** Judged at every depth of the sweep: RESCALE and BN must both have run at each. */
function n3(runs: readonly NormfreeRunResult[], depths: readonly number[], bars: NormfreeBars): Verdict {
  const rows = depths.map((depth) => ({ depth, ran: runsOf(runs, 'rescale', depth).length > 0, rescale: meanAccuracy(runs, 'rescale', depth), bn: bestBatchNorm(runs, depth) }));
  if (!rows.length || rows.some((r) => !r.ran || r.bn === null)) return { id: 'N3', pass: null, detail: 'needs RESCALE and BN at every K of the sweep' };
  const tol = bars.n3Tolerance;
  // A BN that diverged at every lr sets no bar.
  const ok = rows.every((r) => r.rescale >= (Number.isFinite(r.bn!.accuracy) ? r.bn!.accuracy : -Infinity) - tol);
  const detail = rows.map((r) => `K=${r.depth}: ${pct(r.rescale)} vs BN ${pct(r.bn!.accuracy)} (lr ${r.bn!.lr})`).join('; ');
  return { id: 'N3', pass: ok, detail: `${detail} (bar: RESCALE ≥ best BN − ${(100 * tol).toFixed(1)} points)` };
}

/** PLAIN and RESCALE-noalpha both ran at each of the bars' depths, and every run failed. */
function n4(runs: readonly NormfreeRunResult[], bars: NormfreeBars): Verdict {
  const groups = bars.n4Depths.flatMap((d) => [runsOf(runs, 'plain', d), runsOf(runs, 'rescale-noalpha', d)]);
  const where = bars.n4Depths.map((d) => `K=${d}`).join(' and ');
  if (groups.some((g) => !g.length)) return { id: 'N4', pass: null, detail: `needs PLAIN and RESCALE-noalpha at ${where}` };
  const checked = groups.flat();
  const failed = (r: NormfreeRunResult) => r.diverged !== null || !(r.testAccuracy >= N4_MAX_ACCURACY);
  const describe = (r: NormfreeRunResult) =>
    `${r.variant} K=${r.depth} s${r.seed}: ${r.diverged ? `non-finite at epoch ${r.diverged.epoch} step ${r.diverged.step}` : pct(r.testAccuracy)}`;
  return { id: 'N4', pass: checked.every(failed), detail: `${checked.map(describe).join('; ')} (bar: non-finite or < 50% at ${where})` };
}

export function judge(result: NormfreeResult): Verdict[] {
  const c = result.config;
  const bars = barsFor(c);
  return [n1(result.signal, c.depths), n2(result.runs, bars), n3(result.runs, c.depths, bars), n4(result.runs, bars)];
}
