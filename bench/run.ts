// Runs the selected cases for gradwgsl and tfjs on one Dawn adapter, in one process, and
// assembles the report. The first-step child (one engine, one first step) also starts here.
import { loadavg } from 'node:os';
import { buffersCase } from './cases/buffers.js';
import type { CaseContext } from './cases/context.js';
import { CHILD_MARKER, firstStep, firstStepCase, freshProcessCase } from './cases/first-step.js';
import { fp8Case } from './cases/fp8.js';
import { gemmCase, gemmResidentCase } from './cases/gemm.js';
import { kbfgsCase } from './cases/kbfgs.js';
import { trainStepCase } from './cases/train-step.js';
import { sourceVersion } from '../src/node/source-version.js';
import { installDawnShim } from './dawn-shim.js';
import { gradwgslEngine } from './engines/gradwgsl.js';
import { tfjsEngine } from './engines/tfjs.js';
import { adapterOf } from './instrument.js';
import type { BenchOptions, CaseId } from './options.js';
import { CASES } from './options.js';
import { finishRows, type AdapterReport, type Report } from './report.js';
import type { Row } from './row.js';
import { round } from './row.js';
import { derivedRows } from './targets.js';
import type { Engine, EngineName } from './workload.js';

async function createEngine(name: EngineName): Promise<{ engine: Engine; setupMs: number }> {
  installDawnShim();
  const started = performance.now();
  const engine = name === 'gradwgsl' ? await gradwgslEngine() : await tfjsEngine();
  return { engine, setupMs: performance.now() - started };
}

function adapterReport(engine: Engine): AdapterReport {
  const info = adapterOf(engine.device);
  return { description: info.description, vendor: info.vendor, architecture: info.architecture };
}

/**
 * @param entry the bench bundle's path, so the first-step-process case can start children of it
 *   (only from `node dist/bench.mjs`, not from inside a test runner)
 */
export async function runBench(opts: BenchOptions, log: (s: string) => void, entry?: string): Promise<Report> {
  const start = loadavg().map((x) => round(x, 2));
  log(`load average (1, 5, 15 min): ${start.join(', ')}`);
  const ours = await createEngine('gradwgsl');
  const theirs = await createEngine('tfjs');
  const adapters = { gradwgsl: adapterReport(ours.engine), tfjs: adapterReport(theirs.engine) };
  log(`gradwgsl adapter: ${JSON.stringify(adapters.gradwgsl)}`);
  log(`tfjs adapter:     ${JSON.stringify(adapters.tfjs)}`);
  if (JSON.stringify(adapters.gradwgsl) !== JSON.stringify(adapters.tfjs)) {
    throw new Error('bench: gradwgsl and tfjs got different adapters; a side-by-side comparison would mean nothing');
  }
  const ctx: CaseContext = { engines: { gradwgsl: ours.engine, tfjs: theirs.engine }, opts, log };
  const cases: Record<CaseId, () => Promise<Row[]>> = {
    // Runs first in the process, before any other case has compiled a pipeline.
    'first-step': () => firstStepCase(ctx),
    'first-step-process': () => {
      if (!entry) throw new Error('bench: first-step-process starts child processes of the bundle; run it with `npm run bench`');
      return freshProcessCase(ctx, entry);
    },
    gemm: () => gemmCase(ctx),
    'gemm-resident': () => gemmResidentCase(ctx),
    fp8: () => fp8Case(ctx),
    mlp: () => trainStepCase(ctx, 'mlp', ['sgd', 'adam']),
    cnn: () => trainStepCase(ctx, 'cnn', ['sgd']),
    'cifar-cnn': () => trainStepCase(ctx, 'cifar-cnn', ['sgd']),
    buffers: () => buffersCase(ctx),
    kbfgs: () => kbfgsCase(ctx),
  };
  const rows: Row[] = [];
  for (const id of CASES.filter((c) => opts.cases.includes(c))) {
    log(`-- ${id} (load ${loadavg()[0]!.toFixed(1)})`);
    rows.push(...(await cases[id]()));
  }
  rows.push(...derivedRows(rows));
  return {
    tool: 'gradwgsl bench',
    date: new Date().toISOString(),
    commit: sourceVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    adapters,
    setupMs: { gradwgsl: round(ours.setupMs, 1), tfjs: round(theirs.setupMs, 1) },
    quick: opts.quick,
    loadavg: { start, end: loadavg().map((x) => round(x, 2)) },
    rows: finishRows(rows),
  };
}

/** The first-step child: one engine, one first step, one marked JSON line on stdout. */
export async function runChild(name: EngineName, opts: BenchOptions): Promise<void> {
  const { engine, setupMs } = await createEngine(name);
  const result = await firstStep(engine, opts.batch);
  console.log(CHILD_MARKER + JSON.stringify({ ...result, setupMs }));
}
