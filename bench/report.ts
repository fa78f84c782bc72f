// The run's results: a side-by-side table, one JSON line, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ratio, round, type Row } from './row.js';
import { judge, type Verdict } from './targets.js';
import type { EngineName } from './workload.js';

export interface AdapterReport {
  description: string;
  vendor: string;
  architecture: string;
}

export interface Report {
  tool: 'gradwgsl bench';
  date: string;
  /** git HEAD of the measured source, `+dirty` with uncommitted changes. */
  commit: string | null;
  node: string;
  platform: string;
  adapters: Record<EngineName, AdapterReport>;
  /** Importing each engine and opening its device (not part of any timed case). */
  setupMs: Record<EngineName, number>;
  quick: boolean;
  loadavg: { start: number[]; end: number[] };
  rows: (Row & { ratio: number | null; verdict: Verdict | null })[];
}

export function finishRows(rows: readonly Row[]): Report['rows'] {
  return rows.map((r) => ({ ...r, ratio: ratio(r) === null ? null : round(ratio(r)!, 3), verdict: judge(r) }));
}

function fmtValue(r: Row, engine: EngineName): string {
  const v = r.values[engine];
  if (v === undefined) return '—';
  if (r.unit === 'count') return String(v);
  if (r.unit === 'x') return `${v.toFixed(2)}×`;
  const ms = `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ms`;
  const gflops = r.detail?.[engine]?.gflops;
  return typeof gflops === 'number' ? `${ms} (${gflops.toFixed(2)} GFLOP/s)` : ms;
}

/** A Markdown table, so a run can be pasted into bench/RESULTS.md as printed. */
export function table(report: Report): string {
  const head = ['case', 'gradwgsl', 'tfjs', 'tfjs / gradwgsl', 'target (issue 18)', 'met?', 'load1'];
  const lines = report.rows.map((r) => [
    r.label,
    fmtValue(r, 'gradwgsl'),
    fmtValue(r, 'tfjs'),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.verdict?.target ?? '—',
    r.verdict ? (r.verdict.met ? 'yes' : '**no**') : '—',
    r.load1.toFixed(1),
  ]);
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Writes <dir>/<date>-<adapter>.json and returns its path. */
export function writeReport(report: Report, dir: string): string {
  const slug = report.adapters.gradwgsl.description.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  const path = join(dir, `${report.date.slice(0, 10)}-${slug || 'adapter'}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
