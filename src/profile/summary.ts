// The per-kernel table: GPU time per distinct dispatch label (op, shapes, kernel), with its
// share of the profiled steps' wall time.
import type { KernelEvent } from './profiler.js';

export interface KernelRow {
  label: string;
  count: number;
  totalMs: number;
  meanMs: number;
  /** totalMs as a percentage of the steps' wall time. */
  percentOfStep: number;
}

/** Rows sorted by total GPU time, largest first; `stepsMs` is the profiled steps' summed wall time. */
export function kernelSummary(kernels: readonly KernelEvent[], stepsMs: number): KernelRow[] {
  const byLabel = new Map<string, { count: number; totalMs: number }>();
  for (const k of kernels) {
    const row = byLabel.get(k.label) ?? { count: 0, totalMs: 0 };
    row.count++;
    row.totalMs += k.end - k.start;
    byLabel.set(k.label, row);
  }
  return [...byLabel]
    .map(([label, r]) => ({ label, ...r, meanMs: r.totalMs / r.count, percentOfStep: stepsMs > 0 ? (100 * r.totalMs) / stepsMs : 0 }))
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** A fixed-width text table with a total line. */
export function formatSummary(rows: readonly KernelRow[], stepsMs: number, steps: number): string {
  const num = (x: number, d: number, w: number) => x.toFixed(d).padStart(w);
  const head = `${'count'.padStart(6)} ${'total ms'.padStart(10)} ${'mean ms'.padStart(9)} ${'% step'.padStart(7)}  kernel (op, inputs)`;
  const lines = rows.map((r) => `${num(r.count, 0, 6)} ${num(r.totalMs, 3, 10)} ${num(r.meanMs, 3, 9)} ${num(r.percentOfStep, 1, 7)}  ${r.label}`);
  const gpu = rows.reduce((s, r) => s + r.totalMs, 0);
  const count = rows.reduce((s, r) => s + r.count, 0);
  const share = stepsMs > 0 ? (100 * gpu) / stepsMs : 0;
  const total = `${num(count, 0, 6)} ${num(gpu, 3, 10)} ${''.padStart(9)} ${num(share, 1, 7)}  GPU busy, over ${steps} steps of ${(stepsMs / Math.max(steps, 1)).toFixed(2)} ms wall each`;
  return [head, '-'.repeat(head.length), ...lines, '-'.repeat(head.length), total].join('\n');
}
