// The spec's pass criteria C1–C8 (§6), judged on sweep results. The report prints these and the
// tests assert them, on the experiment and on the controls that must fail them.
import type { OverparamResult, SweepPoint } from './config.js';
import type { RunRecord } from './records.js';

export type CheckId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8';

export interface Check {
  id: CheckId;
  /** null: the sweep lacks what the criterion needs. */
  pass: boolean | null;
  ours: string;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The median; null (never reached) counts as +∞. */
export function medianSteps(runs: readonly RunRecord[], level: string): number {
  const t = runs.map((r) => r.steps[level] ?? Infinity).sort((a, b) => a - b);
  const k = t.length >> 1;
  return t.length % 2 ? t[k]! : (t[k - 1]! + t[k]!) / 2;
}

/** Least-squares slope of log y against log x (NaN if any value is not positive and finite). */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2 || points.some(([x, y]) => !(x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)))) return NaN;
  const lx = points.map(([x]) => Math.log(x));
  const ly = points.map(([, y]) => Math.log(y));
  const mx = mean(lx);
  const my = mean(ly);
  const cov = lx.reduce((s, x, i) => s + (x - mx) * (ly[i]! - my), 0);
  const varx = lx.reduce((s, x) => s + (x - mx) ** 2, 0);
  return cov / varx;
}

const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;
const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
const steps = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : 'never');
const decreasing = (xs: readonly number[]) => xs.every((v, i) => i === 0 || v < xs[i - 1]!);
const increasing = (xs: readonly number[]) => xs.every((v, i) => i === 0 || v > xs[i - 1]!);

/** C1: "all seeds reach 1e-4 relative loss within 4000 steps" (the spec's bar, whatever the run's T_max). */
const C1_STEPS = 4000;

/** C1's predicate: the run reached 1e-4 of its initial loss within 4000 steps and fits every sign. */
export const fitsRandomLabels = (r: RunRecord) => (r.steps['0.0001'] ?? Infinity) <= C1_STEPS && r.signsMatch;

/** C1 on the points of width ≥ minWidth (the spec: 64; the output-only control applies it at 16). */
export function checkC1(e1: readonly SweepPoint[], minWidth = 64): Check {
  const wide = e1.filter((p) => p.width >= minWidth);
  if (!wide.length || wide.some((p) => !p.runs.length)) return { id: 'C1', pass: null, ours: `needs runs at every width ≥ ${minWidth}` };
  const ours = wide.map((p) => `m=${p.width}: ${p.runs.filter(fitsRandomLabels).length}/${p.runs.length} fit (T_1e-4 ${p.runs.map((r) => r.steps['0.0001'] ?? 'never').join('/')})`).join('; ') + ` (bar: every seed within ${C1_STEPS} steps, all signs right)`;
  return { id: 'C1', pass: wide.every((p) => p.runs.every(fitsRandomLabels)), ours };
}

export function checkC2(e1: readonly SweepPoint[]): Check {
  const at = (m: number) => e1.find((p) => p.width === m);
  const narrow = at(16);
  const widest = e1.reduce<SweepPoint | undefined>((a, p) => (!a || p.width > a.width ? p : a), undefined);
  const m8 = at(8);
  if ((!narrow || !widest || widest === narrow) && !m8) return { id: 'C2', pass: null, ours: 'needs m = 16 and a wider point, or m = 8' };
  const ratio = narrow && widest && widest !== narrow ? medianSteps(narrow.runs, '0.001') / medianSteps(widest.runs, '0.001') : NaN;
  const m8Fails = m8 ? m8.runs.filter((r) => r.steps['0.0001'] === null).length : 0;
  const pass = ratio >= 1.5 || (!!m8 && m8Fails >= Math.ceil((2 * m8.runs.length) / 3));
  const parts = [];
  if (narrow && widest) parts.push(`median T_1e-3 m=16 / m=${widest.width} = ${steps(medianSteps(narrow.runs, '0.001'))} / ${steps(medianSteps(widest.runs, '0.001'))} = ${fmt(ratio)}× (bar ≥ 1.5)`);
  if (m8) parts.push(`m=8 misses 1e-4 in ${m8Fails}/${m8.runs.length} seeds (bar ≥ 2 of 3)`);
  return { id: 'C2', pass, ours: parts.join('; ') };
}

/** Mean over seeds of a per-run value, per width ≥ 32, as (m, value) points. */
function perWidth(e1: readonly SweepPoint[], value: (r: RunRecord) => number): [number, number][] {
  return e1.filter((p) => p.width >= 32).map((p) => [p.width, mean(p.runs.map(value))]);
}

export function checkC3(e1: readonly SweepPoint[]): Check {
  const pts = perWidth(e1, (r) => r.layers[1]?.frobenius ?? NaN);
  if (pts.length < 2) return { id: 'C3', pass: null, ours: 'needs two widths ≥ 32' };
  const s = logLogSlope(pts);
  return { id: 'C3', pass: inRange(s, -0.75, -0.35), ours: `‖ΔW_2‖_F ${pts.map(([m, v]) => `${m}: ${fmt(v, 3)}`).join(', ')}; slope ${fmt(s)} (bar [−0.75, −0.35])` };
}

export function checkC4(e1: readonly SweepPoint[]): Check {
  const layers = (e1[0]?.runs[0]?.layers.length ?? 0) - 1;
  const rows = Array.from({ length: Math.max(0, layers) }, (_, i) => i + 1).map((l) => {
    const pts = perWidth(e1, (r) => r.layers[l]!.relativeFrobenius);
    return { l: l + 1, pts, slope: logLogSlope(pts), last: pts.at(-1)?.[1] ?? NaN };
  });
  if (!rows.length || rows[0]!.pts.length < 2) return { id: 'C4', pass: null, ours: 'needs two widths ≥ 32 and two hidden layers' };
  const widest = rows[0]!.pts.at(-1)![0];
  const pass = rows.every((r) => inRange(r.slope, -1.25, -0.8) && r.last < 0.03);
  return {
    id: 'C4',
    pass,
    ours: rows.map((r) => `layer ${r.l}: slope ${fmt(r.slope)}, ${fmt(r.last, 4)} at m=${widest}`).join('; ') + ' (bar slope [−1.25, −0.8], < 0.03 at the widest)',
  };
}

export function checkC5(e1: readonly SweepPoint[]): Check {
  const pts = perWidth(e1, (r) => r.layers[0]!.signFlips);
  if (pts.length < 2) return { id: 'C5', pass: null, ours: 'needs two widths ≥ 32' };
  return { id: 'C5', pass: decreasing(pts.map(([, v]) => v)), ours: `layer-1 flips ${pts.map(([m, v]) => `${m}: ${fmt(v, 3)}`).join(', ')} (bar: strictly decreasing)` };
}

export function checkC6(e2: readonly SweepPoint[]): Check {
  const pts = [...e2].sort((a, b) => a.n - b.n).map((p) => [p.n, medianSteps(p.runs, '0.0001')] as [number, number]);
  if (pts.length < 2) return { id: 'C6', pass: null, ours: 'needs two sample sizes' };
  const s = logLogSlope(pts);
  return {
    id: 'C6',
    pass: increasing(pts.map(([, t]) => t)) && inRange(s, 0.8, 2.2),
    ours: `T_1e-4 ${pts.map(([n, t]) => `n=${n}: ${steps(t)}`).join(', ')}; exponent ${fmt(s)} (bar: increasing, [0.8, 2.2])`,
  };
}

export function checkC7(e3: readonly SweepPoint[]): Check {
  const pts = [...e3].sort((a, b) => b.phi! - a.phi!).map((p) => [p.phi!, medianSteps(p.runs, '0.001')] as [number, number]);
  const at = (phi: number) => pts.find(([p]) => p === phi)?.[1];
  if (pts.length < 2 || at(0.2) === undefined || at(0.4) === undefined) return { id: 'C7', pass: null, ours: 'needs phi = 0.4 and 0.2' };
  const ratio = at(0.2)! / at(0.4)!;
  return {
    id: 'C7',
    pass: increasing(pts.map(([, t]) => t)) && ratio >= 1.5,
    ours: `T_1e-3 ${pts.map(([phi, t]) => `phi=${phi}: ${steps(t)}`).join(', ')}; T(0.2)/T(0.4) = ${fmt(ratio)} (bar: increasing as phi shrinks, ratio ≥ 1.5); slope vs phi ${fmt(logLogSlope(pts))}`,
  };
}

/** Rounding slack on path ≥ displacement: both come from f32 arithmetic. */
const PATH_SLACK = 1e-3;

export function checkC8(e1: readonly SweepPoint[]): Check {
  const runs = e1.flatMap((p) => p.runs);
  const wide = e1.filter((p) => p.width >= 64).flatMap((p) => p.runs);
  const pts = perWidth(e1, (r) => r.pathLength);
  if (!wide.length || pts.length < 2) return { id: 'C8', pass: null, ours: 'needs runs at m ≥ 64 and two widths ≥ 32' };
  const bound = runs.every((r) => r.pathLength >= r.displacement * (1 - PATH_SLACK));
  const ratios = wide.map((r) => r.pathLength / r.displacement);
  const tight = ratios.every((q) => q <= 3);
  const s = logLogSlope(pts);
  return {
    id: 'C8',
    pass: bound && tight && inRange(s, -0.75, -0.35),
    ours: `path ≥ displacement in ${runs.filter((r) => r.pathLength >= r.displacement * (1 - PATH_SLACK)).length}/${runs.length} runs; path/displacement at m ≥ 64: ${ratios.length ? `${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}` : 'none'} (bar ≤ 3); path ${pts.map(([m, v]) => `${m}: ${fmt(v, 3)}`).join(', ')}, slope ${fmt(s)} (bar [−0.75, −0.35])`,
  };
}

/** A sweep point without runs measured nothing: the trends leave it out rather than read a mean of none (C1 needs every width). */
const measured = (points: readonly SweepPoint[]) => points.filter((p) => p.runs.length > 0);

export function judge(result: Pick<OverparamResult, 'e1' | 'e2' | 'e3'>): Check[] {
  const [e1, e2, e3] = [measured(result.e1), measured(result.e2), measured(result.e3)];
  return [checkC1(result.e1), checkC2(e1), checkC3(e1), checkC4(e1), checkC5(e1), checkC6(e2), checkC7(e3), checkC8(e1)];
}
