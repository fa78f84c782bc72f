// The report: each criterion C1–C8 pass/fail beside the theory's prediction and the spec's
// numpy prototype, the sweep tables with fitted log-log slopes, and plots.
import type { ClaimRow, ExperimentReport } from '../experiment.js';
import { claimBlocks, lineChart, textTable, type Series } from '../plot.js';
import { verdictOf } from '../verdict.js';
import type { OverparamResult, SweepPoint } from './config.js';
import { judge, logLogSlope, medianSteps, type CheckId } from './criteria.js';

/** What the theory predicts (spec §4–5; "recalled" forms) and what the spec's prototype saw. */
const THEORY: Record<CheckId, { claim: string; paper: string }> = {
  C1: {
    claim: 'C1. Wide nets: GD fits random labels (every seed, m ≥ 64, to 1e-4 within 4000 steps; all signs right)',
    paper: 'P-a: for m = Ω~(n⁸L¹²/φ⁴) and η of order 1/(poly(L)·m), GD reaches L_S ≤ ε from random init w.h.p. (GD theorem, recalled form; the theorem\'s width is far beyond ours, so this tests the shape). Prototype: all seeds at m ≥ 64 reach 1e-4 (T ≈ 1150–1460 at n = 50)',
  },
  C2: {
    claim: 'C2. Narrow nets are harder',
    paper: 'below the width threshold the guarantee lapses (P-a). Prototype: m = 16 needs ~3200 steps (one seed never), m = 8 never reaches 1e-4',
  },
  C3: {
    claim: 'C3. Lazy regime: absolute movement shrinks with width',
    paper: 'P-b: ‖ΔW_l‖_F ~ m^(−1/2) (path-length bound O(n·sqrt(k/(mφ)))): slope −0.5. Prototype ‖ΔW_2‖_F 0.93 / 0.66 / 0.43 / 0.29 at m = 32…256, slope ≈ −0.55',
  },
  C4: {
    claim: 'C4. Lazy regime: relative movement ~ 1/m',
    paper: 'P-b: ‖ΔW_l‖_F / ‖W_l⁽⁰⁾‖_F ~ m^(−1/2) / sqrt(2m) ~ 1/m: slope −1. Prototype 0.115 / 0.058 / 0.027 / 0.013 at m = 32…256, slope ≈ −1.05',
  },
  C5: {
    claim: 'C5. Activation patterns freeze as width grows',
    paper: 'P-c: inside the perturbation ball few ReLUs change sign, fewer as m grows. Prototype layer-1 flips 0.058 / 0.043 / 0.027 / 0.018',
  },
  C6: {
    claim: 'C6. Iterations grow with n',
    paper: 'T = O(n²L²·log(1/ε)/φ): exponent ≤ 2 (an upper bound). Prototype T_1e-4 ≈ 140 / 440 / 980 / 2230 at n = 12…100, exponent ≈ 1.2–1.5',
  },
  C7: {
    claim: 'C7. Iterations grow as the separation φ shrinks',
    paper: 'T = O(1/φ) (upper bound). Prototype T_1e-3 ≈ 2300 / 6600 / 14400 / 29100 at φ = 0.4…0.05, slope ≈ −1 at small φ',
  },
  C8: {
    claim: 'C8. Path length: ≥ the displacement, within a small factor of it, shrinking like m^(−1/2)',
    paper: 'Σ_t η‖g_t‖ ≤ (4/√μ)·sqrt(L_S(W⁽⁰⁾)) = O(n·sqrt(k/(mφ))), independent of η and T (the paper\'s sharper trajectory bound, inferred mechanism). Prototype path/displacement ≈ 1.2–1.3',
  },
};

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v));
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const steps = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : 'never');

function e1Table(e1: readonly SweepPoint[]): string {
  const layers = e1[0]?.runs[0]?.layers.length ?? 0;
  const header = ['m', 'fit 1e-4', 'T_1e-2', 'T_1e-3', 'T_1e-4', '‖ΔW_2‖_F', ...Array.from({ length: layers }, (_, l) => `rel ΔW_${l + 1}`), 'rel₂ ΔW_2', 'flips L1', 'path', 'path/disp'];
  const rows = e1.map((p) => {
    const avg = (f: (r: SweepPoint['runs'][number]) => number) => fmt(mean(p.runs.map(f)));
    return [
      String(p.width),
      `${p.runs.filter((r) => r.steps['0.0001'] !== null).length}/${p.runs.length}`,
      steps(medianSteps(p.runs, '0.01')),
      steps(medianSteps(p.runs, '0.001')),
      steps(medianSteps(p.runs, '0.0001')),
      avg((r) => r.layers[1]?.frobenius ?? NaN),
      ...Array.from({ length: layers }, (_, l) => avg((r) => r.layers[l]!.relativeFrobenius)),
      avg((r) => r.layers[1]?.relativeSpectral ?? NaN),
      avg((r) => r.layers[0]!.signFlips),
      avg((r) => r.pathLength),
      avg((r) => r.pathLength / r.displacement),
    ];
  });
  return textTable(header, rows);
}

function slopes(result: OverparamResult): string {
  const wide = result.e1.filter((p) => p.width >= 32);
  const byWidth = (f: (r: SweepPoint['runs'][number]) => number) => logLogSlope(wide.map((p) => [p.width, mean(p.runs.map(f))]));
  const rows = [
    ['‖ΔW_2‖_F vs m (m ≥ 32)', fmt(byWidth((r) => r.layers[1]?.frobenius ?? NaN)), '−0.5'],
    ['rel ‖ΔW_2‖_F vs m', fmt(byWidth((r) => r.layers[1]?.relativeFrobenius ?? NaN)), '−1'],
    ['rel ‖ΔW_3‖_F vs m', fmt(byWidth((r) => r.layers[2]?.relativeFrobenius ?? NaN)), '−1'],
    ['path length vs m', fmt(byWidth((r) => r.pathLength)), '−0.5'],
    ['T_1e-4 vs n (E2)', fmt(logLogSlope(result.e2.map((p) => [p.n, medianSteps(p.runs, '0.0001')]))), '2 (the O(n²) bound)'],
    ['T_1e-3 vs φ (E3)', fmt(logLogSlope(result.e3.map((p) => [p.phi!, medianSteps(p.runs, '0.001')]))), '−1 (the O(1/φ) bound)'],
  ];
  return textTable(['fitted log-log slope', 'ours', 'theory'], rows);
}

function plots(result: OverparamResult): Record<string, string> {
  const wide = result.e1.filter((p) => p.width >= 32);
  const series = (name: string, f: (r: SweepPoint['runs'][number]) => number): Series => ({ name, points: wide.map((p) => [p.width, mean(p.runs.map(f))] as const) });
  const ref = (name: string, pts: readonly SweepPoint[], x: (p: SweepPoint) => number, y0: number, power: number): Series => ({
    name,
    points: pts.map((p) => [x(p), y0 * (x(p) / x(pts[0]!)) ** power] as const),
  });
  const movement = [
    series('‖ΔW_2‖_F', (r) => r.layers[1]?.frobenius ?? NaN),
    series('path length', (r) => r.pathLength),
    series('rel ‖ΔW_2‖_F', (r) => r.layers[1]?.relativeFrobenius ?? NaN),
    series('rel ‖ΔW_3‖_F', (r) => r.layers[2]?.relativeFrobenius ?? NaN),
    series('layer-1 sign flips', (r) => r.layers[0]!.signFlips),
  ];
  const first = movement[0]!.points[0]?.[1] ?? 1;
  const firstRel = movement[2]!.points[0]?.[1] ?? 1;
  movement.push(ref('m^(−1/2)', wide, (p) => p.width, first, -0.5), ref('m^(−1)', wide, (p) => p.width, firstRel, -1));
  const tn = result.e2.map((p) => [p.n, medianSteps(p.runs, '0.0001')] as const);
  const tphi = result.e3.map((p) => [p.phi!, medianSteps(p.runs, '0.001')] as const);
  const curves = result.e1.map((p) => ({ name: `m=${p.width}`, points: p.runs[0]?.curve ?? [] }));
  return {
    'movement-vs-width.svg': lineChart(movement, { title: 'E1: weight movement vs width (mean over seeds)', xLabel: 'width m', yLabel: 'value', logX: true, logY: true }),
    'steps-vs-n.svg': lineChart([{ name: 'T_1e-4 (median)', points: tn }, ref('n²', result.e2, (p) => p.n, tn[0]?.[1] ?? 1, 2)], { title: 'E2: iterations vs sample size', xLabel: 'n', yLabel: 'GD steps', logX: true, logY: true }),
    'steps-vs-phi.svg': lineChart([{ name: 'T_1e-3 (median)', points: tphi }, ref('1/φ', result.e3, (p) => p.phi!, tphi[0]?.[1] ?? 1, -1)], { title: 'E3: iterations vs separation', xLabel: 'φ', yLabel: 'GD steps', logX: true, logY: true }),
    'loss-curves.svg': lineChart(curves, { title: 'E1: loss / initial loss (first seed)', xLabel: 'GD step', yLabel: 'relative loss', logY: true }),
  };
}

export function report(result: OverparamResult): ExperimentReport {
  const c = result.config;
  const rows: ClaimRow[] = judge(result).map((k) => ({
    ...THEORY[k.id],
    ours: k.ours,
    verdict: verdictOf(k.pass),
  }));
  const text = [
    claimBlocks(rows),
    '',
    `E1 (n = ${c.e1.n}, seeds ${c.e1.seeds.join(', ')}, T_max ${c.e1.tmax}; d = ${c.inputs}, L = ${c.layers}, eta = ${c.lrScale}/(L·m), medians over seeds, other columns means):`,
    e1Table(result.e1),
    '',
    `E2 (m = ${c.e2.width}, seeds ${c.e2.seeds.join(', ')}, T_max ${c.e2.tmax}):`,
    textTable(['n', 'min ‖x_i − x_j‖', 'T_1e-3', 'T_1e-4'], result.e2.map((p) => [String(p.n), fmt(p.minDistance), steps(medianSteps(p.runs, '0.001')), steps(medianSteps(p.runs, '0.0001'))])),
    '',
    `E3 (${c.e3.pairs} pairs, m = ${c.e3.width}, seeds ${c.e3.seeds.join(', ')}, T_max ${c.e3.tmax}, stop at ${c.e3.relStop}):`,
    textTable(['φ', 'min ‖x_i − x_j‖', 'T_1e-2', 'T_1e-3'], result.e3.map((p) => [String(p.phi), fmt(p.minDistance), steps(medianSteps(p.runs, '0.01')), steps(medianSteps(p.runs, '0.001'))])),
    '',
    slopes(result),
    '',
    `${[...result.e1, ...result.e2, ...result.e3].reduce((s, p) => s + p.runs.length, 0)} runs in ${result.seconds.toFixed(0)} s.`,
  ].join('\n');
  return { text, claims: rows, plots: plots(result) };
}
