// `gradwgsl profile mnist-mlp`: a few training steps of the CLI's own MNIST job with every
// dispatch timed; writes a Chrome trace (load it in DevTools' Performance panel) and prints
// the per-kernel table.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ClassifierTrainer, Profiler, StepProfiler, adapterInfo, chromeTrace, fail, formatSummary, init, kernelSummary, makeOptimizer, mnistMlp, subset,
} from 'gradwgsl';
import { loadMnist } from 'gradwgsl/node';

export interface ProfileCliOptions {
  steps: number;
  warmup: number;
  batch: number;
  optimizer: 'sgd' | 'adam' | 'rmsprop';
  lr?: number;
  momentum: number;
  seed: number;
  out: string;
  json?: boolean;
}

export async function profileMnistMlp(opts: ProfileCliOptions) {
  const rt = await init();
  const data = await loadMnist();
  const total = opts.warmup + opts.steps;
  if (total * opts.batch > data.train.n) {
    fail(`profile: ${total} steps of batch ${opts.batch} need ${total * opts.batch} digits, but there are ${data.train.n}; use fewer --steps or a smaller --batch`);
  }
  // Exactly the steps asked for: one epoch over the first examples, stopped before evaluation.
  const train = subset(data.train, Uint32Array.from({ length: total * opts.batch }, (_, i) => i), 'mnist train (profiled steps)');
  const model = mnistMlp(opts.seed);
  const trainer = new ClassifierTrainer(model, makeOptimizer(opts.optimizer, model.parameters(), opts.lr, opts.momentum));
  const profiler = new Profiler(rt);
  const stop = new AbortController();
  try {
    const steps = new StepProfiler(profiler, opts.warmup);
    await trainer.fit(train, data.test, {
      epochs: 1,
      batchSize: opts.batch,
      seed: opts.seed,
      signal: stop.signal,
      onStep: (info) => {
        steps.onStep(info);
        if (info.batch === total) stop.abort();
      },
    });
    profiler.stop();
    await profiler.collect();
    const device = adapterInfo(rt.gpu);
    const trace = chromeTrace(profiler, { job: 'profile mnist-mlp', config: opts, adapter: device.adapter });
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(trace));
    const rows = kernelSummary(profiler.kernels, steps.stepsMs);
    const summary = {
      job: 'profile mnist-mlp',
      device: device.adapter,
      timestampQuery: profiler.timesKernels,
      config: opts,
      steps: steps.steps,
      meanStepMs: steps.stepsMs / Math.max(steps.steps, 1),
      kernels: rows,
      trace: opts.out,
    };
    if (opts.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(`gradwgsl: profiling MNIST MLP 784-256-256-10 on ${rt.gpu.adapter.description || rt.gpu.adapter.architecture}; ${opts.optimizer}, batch ${opts.batch}, ${opts.warmup} warm-up + ${opts.steps} timed steps`);
      if (!profiler.timesKernels) console.log('this device has no timestamp-query: the trace holds CPU steps and memory only');
      console.log(formatSummary(rows, steps.stepsMs, steps.steps));
      console.log(`trace: ${opts.out} (DevTools > Performance > Load profile; track group "gradwgsl")`);
    }
    return summary;
  } finally {
    await profiler.dispose();
    trainer.dispose();
  }
}

const count = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`expected an integer of at least ${min}, got '${v}'`);
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`expected a non-negative number, got '${v}'`);
  return n;
};

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('time every kernel of a few training steps; write a Chrome trace and print a per-kernel table')
    .argument('<job>', 'job to profile: mnist-mlp')
    .option('--steps <n>', 'timed training steps', count(1), 5)
    .option('--warmup <n>', 'untimed steps first (the first compiles the plan)', count(0), 1)
    .option('--batch <n>', 'batch size', count(1), 128)
    .option('--optimizer <name>', 'sgd | adam | rmsprop', 'sgd')
    .option('--lr <x>', 'learning rate (default: sgd 0.05, adam/rmsprop 1e-3)', num)
    .option('--momentum <x>', 'SGD momentum', num, 0.9)
    .option('--seed <n>', 'seed for initialisation and data order', (v) => Number(v), 1)
    .option('--out <path>', 'trace file to write', 'runs/profile/mnist-mlp.trace.json')
    .option('--json', 'print one JSON object instead of text')
    .action(async (job: string, opts: ProfileCliOptions) => {
      if (job !== 'mnist-mlp') fail(`unknown job '${job}'; available: mnist-mlp`);
      await profileMnistMlp(opts);
    });
}
