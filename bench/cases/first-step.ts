// Time to first step: build the MLP and its SGD optimizer, run one step, read the loss. For
// gradwgsl that includes tracing and compiling the plan (its pipelines compiled in parallel);
// for tfjs, the first minimize (its pipelines compiled on first use).
//
// In this process (one sample, before any other case compiled a pipeline), and in new child
// processes, several times: with the driver's on-disk shader cache as earlier runs left it
// (warm), and with the cache directory (Mesa's, NVIDIA's and gradwgsl's kernel reflections) set
// to a new empty folder (cold), so that every shader is compiled anew.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { countCalls } from '../instrument.js';
import { median } from '../measure.js';
import { row, round, type Row } from '../row.js';
import { ENGINE_NAMES, randomBatch, type Engine, type EngineName } from '../workload.js';
import { perEngine, perEngineAsync, type CaseContext } from './context.js';

export interface FirstStep {
  ms: number;
  /** Of ms: building model, optimizer (and gradwgsl's plan with its pipelines). */
  buildMs: number;
  /** Of ms: the first step itself (tfjs creates its pipelines here; lavapipe JIT-compiles every shader at its first dispatch). */
  firstRunMs: number;
  /** Compute pipelines created before the first loss was on the CPU. */
  pipelinesCreated: number;
  loss: number;
  /** Importing the engine and opening its device, before the clock above starts. */
  setupMs?: number;
}

/** The marker before the JSON line a first-step child prints. */
export const CHILD_MARKER = 'BENCH_CHILD ';

export async function firstStep(engine: Engine, batchSize: number): Promise<FirstStep> {
  const batch = randomBatch('mlp', batchSize, 7);
  const { counts, result } = await countCalls(async () => {
    const started = performance.now();
    const trainer = await engine.trainer({ model: 'mlp', optimizer: 'sgd', batch: batchSize }, batch);
    const built = performance.now();
    const loss = await trainer.step();
    const done = performance.now();
    trainer.dispose();
    return { ms: done - started, buildMs: built - started, firstRunMs: done - built, loss };
  });
  return { ...result, pipelinesCreated: counts.pipelinesCreated };
}

export async function firstStepCase(ctx: CaseContext): Promise<Row[]> {
  const runs = await perEngineAsync(async (name) => {
    const r = await firstStep(ctx.engines[name], ctx.opts.batch);
    ctx.log(`first step (warm cache) ${name}: ${describe(r)}`);
    return r;
  });
  return [
    row('first-step-warm', 'MLP SGD time to first step, in this process, warm driver cache (one sample)', 'ms', perEngine((n) => runs[n].ms), perEngine((n) => ({ ...runs[n] }))),
    row('first-step-pipelines', 'MLP SGD pipelines created by first step', 'count', perEngine((n) => runs[n].pipelinesCreated)),
  ];
}

function describe(r: FirstStep): string {
  return `${r.ms.toFixed(0)} ms (build ${r.buildMs.toFixed(0)} + first step ${r.firstRunMs.toFixed(0)}), ${r.pipelinesCreated} pipelines created`;
}

const run = promisify(execFile);

/** First steps measured in child processes per engine, this many times each (median kept). */
const REPEATS = 3;

/**
 * Time to first step in new processes, engines alternating: with an empty driver cache
 * (each child its own new folder) and with the driver cache as it is (warm).
 */
export async function freshProcessCase(ctx: CaseContext, entry: string): Promise<Row[]> {
  const repeats = ctx.opts.quick ? 1 : REPEATS;
  const rows: Row[] = [];
  for (const cache of ['cold', 'warm'] as const) {
    const runs = new Map<EngineName, FirstStep[]>(ENGINE_NAMES.map((name) => [name, []]));
    for (let i = 0; i < repeats; i++) {
      for (const name of ENGINE_NAMES) {
        const r = await child(name, entry, ctx.opts.quick, cache === 'cold');
        runs.get(name)!.push(r);
        ctx.log(`first step (${cache} cache, new process) ${name}: ${describe(r)}, after ${r.setupMs?.toFixed(0)} ms of import + device`);
      }
    }
    const ms: Row['values'] = {};
    const detail: NonNullable<Row['detail']> = {};
    for (const [name, rs] of runs) {
      ms[name] = median(rs.map((r) => r.ms));
      detail[name] = {
        runs: rs.map((r) => ({ ...r, setupMs: round(r.setupMs ?? NaN, 1) })),
        buildMsMedian: median(rs.map((r) => r.buildMs)),
        firstRunMsMedian: median(rs.map((r) => r.firstRunMs)),
      };
    }
    const what = cache === 'cold' ? 'empty driver cache' : 'warm driver cache';
    rows.push(row(`first-step-${cache}-process`, `MLP SGD time to first step, new process, ${what} (median of ${repeats})`, 'ms', ms, detail));
  }
  return rows;
}

async function child(engine: EngineName, entry: string, quick: boolean, emptyCache: boolean): Promise<FirstStep> {
  const cache = emptyCache ? mkdtempSync(join(tmpdir(), 'gradwgsl-bench-cache-')) : null;
  try {
    const env = cache ? { ...process.env, MESA_SHADER_CACHE_DIR: cache, __GL_SHADER_DISK_CACHE_PATH: cache, GRADWGSL_CACHE_DIR: cache } : process.env;
    const args = [entry, '--child', engine, ...(quick ? ['--quick'] : [])];
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 16 << 20, timeout: 15 * 60_000 });
    const line = stdout.split('\n').find((l) => l.startsWith(CHILD_MARKER));
    if (!line) throw new Error(`bench: the first-step child for ${engine} printed no result:\n${stdout.slice(-2000)}`);
    return JSON.parse(line.slice(CHILD_MARKER.length)) as FirstStep;
  } finally {
    if (cache) rmSync(cache, { recursive: true, force: true });
  }
}
