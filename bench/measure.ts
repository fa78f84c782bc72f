// Times async operations with the `benchmark` package (deferred mode). Each sample is the mean
// time per call of one benchmark.js cycle. Engines are measured in alternating rounds (ours,
// theirs, ours, ...) so that load from other jobs on a shared machine falls on both alike.
import Benchmark from 'benchmark';

export interface Timing {
  medianMs: number;
  meanMs: number;
  minMs: number;
  /** Margin of error of the mean at 95% (normal approximation), in percent of the mean. */
  rmePct: number;
  samples: number;
  /** Timed calls in all (a cycle may call the operation several times). */
  calls: number;
}

export interface MeasureOptions {
  /** Untimed calls first: pipeline compiles and first-touch costs stay out. */
  warmup: number;
  rounds: number;
  /** Per engine and round. */
  minSamples: number;
  /** Seconds of sampling per engine and round to aim for (benchmark.js maxTime). */
  maxTime: number;
}

interface Samples {
  ms: number[];
  calls: number;
}

/** One benchmark.js run of `op`: its per-cycle samples in ms. */
async function sample(name: string, op: () => Promise<unknown>, opts: MeasureOptions): Promise<Samples> {
  let calls = 0;
  let failure: unknown = null;
  const bench = new Benchmark(name, {
    defer: true,
    minSamples: opts.minSamples,
    maxTime: opts.maxTime,
    fn(deferred: Benchmark.Deferred) {
      calls++;
      op().then(
        () => deferred.resolve(),
        (e: unknown) => {
          failure = e;
          bench.abort();
          deferred.resolve();
        },
      );
    },
  });
  await new Promise<void>((done) => {
    bench.on('complete', () => done());
    bench.on('abort', () => done());
    bench.run({ async: true });
  });
  if (failure) throw failure;
  if (bench.error) throw bench.error;
  return { ms: bench.stats.sample.map((s) => s * 1000), calls };
}

/** Measures each named operation in `opts.rounds` alternating rounds. */
export async function measureAll<K extends string>(ops: Record<K, () => Promise<unknown>>, label: string, opts: MeasureOptions): Promise<Record<K, Timing>> {
  const names = Object.keys(ops) as K[];
  for (const k of names) for (let i = 0; i < opts.warmup; i++) await ops[k]();
  const all = Object.fromEntries(names.map((k) => [k, { ms: [] as number[], calls: 0 }])) as Record<K, Samples>;
  for (let r = 0; r < opts.rounds; r++) {
    for (const k of names) {
      const s = await sample(`${k} ${label}`, ops[k], opts);
      all[k].ms.push(...s.ms);
      all[k].calls += s.calls;
    }
  }
  return Object.fromEntries(names.map((k) => [k, summarize(all[k])])) as Record<K, Timing>;
}

function summarize({ ms, calls }: Samples): Timing {
  if (!ms.length) throw new Error('bench: no samples were taken');
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  const variance = ms.length > 1 ? ms.reduce((a, b) => a + (b - mean) ** 2, 0) / (ms.length - 1) : 0;
  return {
    medianMs: median(ms),
    meanMs: mean,
    minMs: Math.min(...ms),
    rmePct: ((1.96 * Math.sqrt(variance / ms.length)) / mean) * 100,
    samples: ms.length,
    calls,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
