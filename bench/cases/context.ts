// What every case receives (both engines, the options, a progress logger), and helpers for
// values kept per engine.
import type { BenchOptions } from '../options.js';
import { ENGINE_NAMES, type Engine, type EngineName } from '../workload.js';

export type PerEngine<T> = Record<EngineName, T>;

export interface CaseContext {
  engines: PerEngine<Engine>;
  opts: BenchOptions;
  log(message: string): void;
}

export function perEngine<T>(f: (name: EngineName) => T): PerEngine<T> {
  return Object.fromEntries(ENGINE_NAMES.map((n) => [n, f(n)])) as PerEngine<T>;
}

/** Awaits `f` for each engine in turn (never concurrently: the GPU counters need that). */
export async function perEngineAsync<T>(f: (name: EngineName) => Promise<T>): Promise<PerEngine<T>> {
  const out: Partial<PerEngine<T>> = {};
  for (const n of ENGINE_NAMES) out[n] = await f(n);
  return out as PerEngine<T>;
}

/** Builds every named resource in turn, runs `use` on them, and disposes each one that was built. */
export async function withAll<K extends string, T extends { dispose(): void }, R>(
  build: Record<K, () => Promise<T>>,
  use: (made: Record<K, T>) => Promise<R>,
): Promise<R> {
  const made: Partial<Record<K, T>> = {};
  try {
    for (const k of Object.keys(build) as K[]) made[k] = await build[k]();
    return await use(made as Record<K, T>);
  } finally {
    for (const t of Object.values(made) as T[]) t.dispose();
  }
}
