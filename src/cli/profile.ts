// `gradwgsl profile mnist-mlp`: a few training steps of the CLI's own MNIST job with every
// dispatch timed; writes a Chrome trace (load it in DevTools' Performance panel) and prints
// the per-kernel table.
import { Option, type Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import {
  ClassifierTrainer, Profiler, StepProfiler, adapterInfo, chromeTrace, fail, formatSummary, init, kernelSummary, makeOptimizer, mnistMlp, subset,
} from 'gradwgsl';
import { MAX_SEED } from 'gradwgsl/experiments';
import { loadMnist } from 'gradwgsl/node';
import { integerIn, learningRate, momentumOption, positiveCount, seedOption } from './options.js';
import { prepareOutputFile, saveOutputs } from './output-paths.js';

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
  prepareOutputFile('--out', opts.out);
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
    const saved = saveOutputs(dirname(opts.out), { [basename(opts.out)]: JSON.stringify(trace) });
    const tracePath = join(saved.dir, basename(opts.out));
    if (saved.failure) {
      console.error(`gradwgsl: --out ${opts.out}: profiling finished, but ${saved.failure}; the trace was saved to ${tracePath} instead`);
      process.exitCode = 1;
    }
    const rows = kernelSummary(profiler.kernels, steps.stepsMs);
    const summary = {
      job: 'profile mnist-mlp',
      device: device.adapter,
      timestampQuery: profiler.timesKernels,
      config: opts,
      steps: steps.steps,
      meanStepMs: steps.stepsMs / Math.max(steps.steps, 1),
      kernels: rows,
      trace: tracePath,
    };
    if (opts.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(`gradwgsl: profiling MNIST MLP 784-256-256-10 on ${rt.gpu.adapter.description || rt.gpu.adapter.architecture}; ${opts.optimizer}, batch ${opts.batch}, ${opts.warmup} warm-up + ${opts.steps} timed steps`);
      if (!profiler.timesKernels) console.log('this device has no timestamp-query: the trace holds CPU steps and memory only');
      console.log(formatSummary(rows, steps.stepsMs, steps.steps));
      console.log(`trace: ${tracePath} (DevTools > Performance > Load profile; track group "gradwgsl")`);
    }
    return summary;
  } finally {
    await profiler.dispose();
    trainer.dispose();
  }
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('time every kernel of a few training steps; write a Chrome trace and print a per-kernel table')
    .argument('<job>', 'job to profile: mnist-mlp')
    .option('--steps <n>', 'timed training steps, 1 to 1000000', positiveCount, 5)
    .option('--warmup <n>', 'untimed steps first (the first compiles the plan), 0 to 1000000', integerIn(0, 1_000_000), 1)
    .option('--batch <n>', 'batch size, 1 to 1000000', positiveCount, 128)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'rmsprop']).default('sgd'))
    .option('--lr <x>', 'learning rate in (0, 10] (default: sgd 0.1, adam/rmsprop 1e-3)', learningRate)
    .option('--momentum <x>', 'SGD momentum in [0, 1)', momentumOption, 0.9)
    .option('--seed <n>', `seed for initialisation and data order, 0 to ${MAX_SEED}`, seedOption, 1)
    .option('--out <path>', 'trace file to write', 'runs/profile/mnist-mlp.trace.json')
    .option('--json', 'print one JSON object instead of text')
    .action(async (job: string, opts: ProfileCliOptions) => {
      if (job !== 'mnist-mlp') fail(`unknown job '${job}'; available: mnist-mlp`);
      await profileMnistMlp(opts);
    });
}
