// The lavapipe targets of issue 18 (which replaced issue 7's stricter GEMM ≥ 4× and MLP ≥ 3×, both
// missed then), judged on the rows of one run (ratios against tfjs in the same run).
import { ratio, type Row } from './row.js';

export interface Verdict {
  target: string;
  met: boolean;
}

type Judge = (r: Row) => Verdict;

const speedup = (min: number): Judge => (r) => ({ target: `tfjs/gradwgsl ≥ ${min}`, met: (ratio(r) ?? 0) >= min });
const ours = (text: string, ok: (v: number) => boolean): Judge => (r) => ({
  target: `gradwgsl ${text}`,
  met: r.values.gradwgsl !== undefined && ok(r.values.gradwgsl),
});

const TARGETS: Record<string, Judge> = {
  'gemm-512x512x512': speedup(3),
  'gemm-1024x1024x1024': speedup(3),
  'mlp-sgd-step': speedup(2),
  'mlp-adam/sgd': ours('≤ 1.1', (v) => v <= 1.1),
  // Both CNN steps.
  'cnn-sgd-step': speedup(3),
  'cifar-cnn-sgd-step': speedup(3),
  // One fused optimizer update per parameter group.
  'mlp-sgd-dispatches': ours('≤ 15', (v) => v <= 15),
  'mlp-adam-dispatches': ours('≤ 15', (v) => v <= 15),
  'mlp-sgd-submits': ours('= 1', (v) => v === 1),
  'mlp-adam-submits': ours('= 1', (v) => v === 1),
  'first-step-warm': speedup(2),
  'first-step-cold-process': speedup(2),
  'first-step-warm-process': speedup(2),
};

/** The buffer count must not grow once the first steps have allocated what they need. */
function noGrowth(r: Row): Verdict | null {
  const d = r.detail?.gradwgsl;
  if (!r.id.startsWith('buffers-after-') || !d || d.step10 === undefined) return null;
  return { target: 'gradwgsl: no growth after step 10', met: r.values.gradwgsl === d.step10 };
}

/** Issue 3: the FP8 GEMM within 3× of the f32 GEMM's time at each size, in the same run. */
const fp8Goal = (r: Row): Verdict | null => (r.id.startsWith('fp8/f32-') ? ours('FP8/f32 ≤ 3 (issue 3)', (v) => v <= 3)(r) : null);

export function judge(r: Row): Verdict | null {
  return TARGETS[r.id]?.(r) ?? noGrowth(r) ?? fp8Goal(r);
}

/** Rows computed from other rows: Adam's step time over SGD's, per engine. */
export function derivedRows(rows: readonly Row[]): Row[] {
  const sgd = rows.find((r) => r.id === 'mlp-sgd-step');
  const adam = rows.find((r) => r.id === 'mlp-adam-step');
  if (!sgd || !adam) return [];
  const values: Row['values'] = {};
  for (const e of ['gradwgsl', 'tfjs'] as const) {
    if (sgd.values[e] && adam.values[e] !== undefined) values[e] = adam.values[e]! / sgd.values[e]!;
  }
  return [{ id: 'mlp-adam/sgd', label: 'MLP Adam step / SGD step', unit: 'x', values, load1: adam.load1 }];
}
