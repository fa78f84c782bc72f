// One line of the results: a quantity measured for both engines, lower is better throughout
// (times, counts), so tfjs / gradwgsl > 1 means gradwgsl wins.
import { loadavg } from 'node:os';
import type { EngineName } from './workload.js';

export interface Row {
  id: string;
  label: string;
  unit: 'ms' | 'count' | 'x';
  values: Partial<Record<EngineName, number>>;
  /** Extra numbers per engine (timing spread, GFLOP/s, series), kept in the JSON. */
  detail?: Partial<Record<EngineName, Record<string, unknown>>>;
  /** 1-minute load average when the row was measured (the machine is shared). */
  load1: number;
}

export function row(id: string, label: string, unit: Row['unit'], values: Row['values'], detail?: Row['detail']): Row {
  return { id, label, unit, values, ...(detail ? { detail } : {}), load1: round(loadavg()[0]!, 2) };
}

export function ratio(r: Row): number | null {
  const { gradwgsl, tfjs } = r.values;
  return gradwgsl && tfjs !== undefined && r.unit !== 'x' ? tfjs / gradwgsl : null;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
