// Command-line options of `npm run bench` (dist/bench.mjs).
import type { MeasureOptions } from './measure.js';
import type { EngineName } from './workload.js';

/** In the order they run: first-step before anything else compiles a pipeline in this process. */
export const CASES = ['first-step', 'first-step-process', 'buffers', 'gemm', 'gemm-resident', 'fp8', 'mlp', 'cnn', 'cifar-cnn', 'kbfgs'] as const;
export type CaseId = (typeof CASES)[number];

export interface BenchOptions {
  quick: boolean;
  cases: CaseId[];
  /** GEMM shapes as [M, K, N]. */
  gemm: [number, number, number][];
  /** Sides of the square device-resident GEMMs. */
  residentSizes: number[];
  /** Batch of the MLP and the CNN steps (MNIST and CIFAR-shaped). */
  batch: number;
  /** Training steps of the buffer-leak case. */
  steps: number;
  timing: MeasureOptions;
  /** Write <resultsDir>/<date>-<adapter>.json. */
  write: boolean;
  resultsDir: string;
  /** Internal: this process is a first-step child for one engine. */
  child: EngineName | null;
}

export const USAGE = `usage: node dist/bench.mjs [--quick] [--cases ${CASES.join(',')}] [--steps N] [--no-write]
  --quick     small sizes and few samples (a smoke run; writes no results file)
  --cases     run only these cases (default: all)
  --steps     training steps for the buffer-leak case (default 1000)
  --resident-sizes N,N,...  sides of the device-resident GEMMs (default 256,512,1024; on a GPU
              add 2048,4096)
  --no-write  do not write the results file
  --results-dir DIR  where <date>-<adapter>.json goes (default bench/results)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const opts: BenchOptions = {
    quick,
    cases: [...CASES],
    gemm: quick ? [[64, 96, 80]] : [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [128, 784, 256]],
    // Sized for lavapipe; a GPU wants --resident-sizes 256,512,1024,2048,4096.
    residentSizes: quick ? [64] : [256, 512, 1024],
    batch: quick ? 16 : 128,
    steps: quick ? 5 : 1000,
    timing: quick ? { warmup: 1, rounds: 1, minSamples: 3, maxTime: 0.1 } : { warmup: 2, rounds: 3, minSamples: 3, maxTime: 2 },
    write: !quick,
    resultsDir: 'bench/results',
    child: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') continue;
    else if (arg === '--no-write') opts.write = false;
    else if (arg === '--results-dir') opts.resultsDir = value();
    else if (arg === '--cases') opts.cases = value().split(',').map(caseId);
    else if (arg === '--steps') opts.steps = positiveInt(arg, value());
    else if (arg === '--resident-sizes') opts.residentSizes = value().split(',').map((v) => positiveInt(arg, v));
    else if (arg === '--child') opts.child = engineName(value());
    else throw new Error(`bench: unknown option '${arg}'\n${USAGE}`);
  }
  return opts;
}

function caseId(s: string): CaseId {
  if (!(CASES as readonly string[]).includes(s)) throw new Error(`bench: unknown case '${s}'; cases are ${CASES.join(', ')}`);
  return s as CaseId;
}

function engineName(s: string): EngineName {
  if (s !== 'gradwgsl' && s !== 'tfjs') throw new Error(`bench: --child takes gradwgsl or tfjs, not '${s}'`);
  return s;
}

function positiveInt(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${flag} ${s} must be a positive integer`);
  return n;
}
