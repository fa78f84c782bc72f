// Runs the sweeps: each sweep point (or, for E3, the whole sweep) is one group of members
// trained together by one compiled GD plan.
import type { ProgressFn } from '../experiment.js';
import { ANALYSED, type OverparamConfig, type Setting, type SweepBudget, type SweepPoint } from './config.js';
import { minDistance, pairedData, sphereData, type SphereData } from './data.js';
import { gradientDescent } from './gd.js';
import { ReluNetGroup, initWeights, type NetShape } from './net.js';
import { recordRun } from './records.js';

/** A sweep point before it runs: its data, width and label. */
export interface PointSpec {
  data: SphereData;
  width: number;
  phi: number | null;
}

export interface GroupOptions {
  config: OverparamConfig;
  budget: SweepBudget;
  setting?: Setting;
  /** Replaces the config's lrScale (the eta = 0 control). */
  lrScale?: number;
  progress?: (step: number) => void;
}

/** Trains every seed of every point (all of the same width and n) in one group. */
export async function runGroup(points: readonly PointSpec[], opts: GroupOptions): Promise<SweepPoint[]> {
  const { config, budget, setting = ANALYSED } = opts;
  const width = points[0]!.width;
  const shape: NetShape = { inputs: config.inputs, width, layers: config.layers };
  const lr = (opts.lrScale ?? config.lrScale) / (config.layers * width);
  const members = points.flatMap((p) => budget.seeds.map((seed) => ({ point: p, seed, init: initWeights(shape, seed) })));
  const net = new ReluNetGroup(shape, members.map((m) => m.init));
  try {
    const x = new Float32Array(members.flatMap((m) => [...m.point.data.x]));
    const y = new Float32Array(members.flatMap((m) => [...m.point.data.y]));
    const traces = await gradientDescent(net, x, y, members.map(() => lr), { ...setting, tmax: budget.tmax, relStop: budget.relStop, chunk: config.chunk }, opts.progress);
    const finals = await net.read();
    const records = members.map((m, i) => recordRun({ seed: m.seed, lr, trained: setting.trained }, shape, m.point.data, m.init, finals[i]!, traces[i]!));
    return points.map((p) => ({
      width,
      n: p.data.n,
      phi: p.phi,
      minDistance: minDistance(p.data),
      lr,
      runs: records.filter((_, i) => members[i]!.point === p),
    }));
  } finally {
    net.dispose();
  }
}

export function e1Points(c: OverparamConfig, widths = c.e1.widths): PointSpec[] {
  const data = sphereData(c.e1.n, c.inputs, c.dataSeed);
  return widths.map((width) => ({ data, width, phi: null }));
}

export function e2Points(c: OverparamConfig): PointSpec[] {
  // sphereData draws point by point, so each smaller set is a prefix of the larger ones.
  return c.e2.ns.map((n) => ({ data: sphereData(n, c.inputs, c.dataSeed), width: c.e2.width, phi: null }));
}

export function e3Points(c: OverparamConfig): PointSpec[] {
  return c.e3.phis.map((phi) => ({ data: pairedData(c.e3.pairs, c.inputs, phi, c.dataSeed), width: c.e3.width, phi }));
}

/** E1 under a setting: one group per width. */
export async function widthSweep(c: OverparamConfig, opts: Omit<GroupOptions, 'config' | 'budget'> & { widths?: number[] } = {}): Promise<SweepPoint[]> {
  const out: SweepPoint[] = [];
  for (const p of e1Points(c, opts.widths)) out.push(...(await runGroup([p], { ...opts, config: c, budget: c.e1 })));
  return out;
}

export async function runSweeps(c: OverparamConfig, progress?: ProgressFn): Promise<{ e1: SweepPoint[]; e2: SweepPoint[]; e3: SweepPoint[] }> {
  // Progress counts GD steps at their budget (groups that stop early jump ahead).
  const groups: { label: string; points: PointSpec[]; budget: SweepBudget }[] = [
    ...e1Points(c).map((p) => ({ label: `E1 m=${p.width}`, points: [p], budget: c.e1 })),
    ...e2Points(c).map((p) => ({ label: `E2 n=${p.data.n}`, points: [p], budget: c.e2 })),
    { label: `E3 phi ∈ {${c.e3.phis.join(', ')}}`, points: e3Points(c), budget: c.e3 },
  ];
  const total = groups.reduce((s, g) => s + g.budget.tmax + 1, 0);
  let done = 0;
  const results: SweepPoint[][] = [];
  for (const g of groups) {
    results.push(await runGroup(g.points, { config: c, budget: g.budget, progress: (step) => progress?.({ label: `${g.label}, step ${step}`, done: done + step, total }) }));
    done += g.budget.tmax + 1;
  }
  const e1 = results.slice(0, c.e1.widths.length).flat();
  const e2 = results.slice(c.e1.widths.length, c.e1.widths.length + c.e2.ns.length).flat();
  return { e1, e2, e3: results.at(-1)! };
}
