// Times an async operation with the `benchmark` package (deferred mode): warm-up calls first
// (pipeline compiles and first-touch costs stay out), then cycles until both the sample count
// and the time budget are reached. Each sample is the mean time per call of one cycle.
import Benchmark from 'benchmark';

export interface Timing {
  medianMs: number;
  meanMs: number;
  minMs: number;
  /** Relative margin of error of the mean at 95%, in percent (benchmark.js's rme). */
  rmePct: number;
  samples: number;
  /** Timed calls in all (a cycle may call the operation several times). */
  calls: number;
}

export interface MeasureOptions {
  warmup: number;
  minSamples: number;
  /** Seconds of sampling to aim for (benchmark.js maxTime). */
  maxTime: number;
}

export async function measure(name: string, op: () => Promise<unknown>, opts: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < opts.warmup; i++) await op();
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
  const sample = bench.stats.sample.map((s) => s * 1000);
  if (!sample.length) throw new Error(`bench: ${name} produced no samples`);
  return {
    medianMs: median(sample),
    meanMs: bench.stats.mean * 1000,
    minMs: Math.min(...sample),
    rmePct: bench.stats.rme,
    samples: sample.length,
    calls,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
