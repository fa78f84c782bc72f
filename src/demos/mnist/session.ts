// One training run of the MNIST demo: the CLI's model, optimizers and ClassifierTrainer on the
// embedded digits, with optional kernel profiling onto the DevTools track.
import { makeOptimizer } from '../../optim/factory.js';
import type { TrainTest } from '../../data/batches.js';
import type { Runtime } from '../../graph/runtime.js';
import { mnistMlp } from '../../nn/models.js';
import { ClassifierTrainer, type EpochRecord, type FitResult, type StepInfo } from '../../nn/trainer.js';
import { devtoolsTimeline } from '../../profile/devtools.js';
import { Profiler } from '../../profile/profiler.js';
import { kernelSummary, type KernelRow } from '../../profile/summary.js';
import { StepProfiler } from '../../profile/training.js';

export interface RunConfig {
  optimizer: 'sgd' | 'adam' | 'rmsprop';
  lr?: number;
  batch: number;
  epochs: number;
  seed: number;
  /** Stop after this many steps (0: train all epochs). */
  maxSteps: number;
  profile: boolean;
}

export interface RunCallbacks {
  /** Held-out accuracy of the untrained model (epoch 0 of the accuracy curve). */
  onStart?(heldOutAccuracy: number): void;
  onStep(info: StepInfo, stepsPerSecond: number): void;
  onEpoch(record: EpochRecord): void;
  /** The per-kernel table so far (only when profiling), refreshed every few steps. */
  onKernels?(rows: KernelRow[]): void;
}

const KERNEL_TABLE_EVERY = 10;

/** Collects the GPU times so far and hands the per-kernel table to the page. */
async function refreshKernels(steps: StepProfiler, cb: RunCallbacks): Promise<void> {
  await steps.profiler.collect();
  cb.onKernels?.(kernelSummary(steps.profiler.kernels, steps.stepsMs));
}

export async function trainMnist(rt: Runtime, data: TrainTest, config: RunConfig, signal: AbortSignal, cb: RunCallbacks): Promise<FitResult> {
  const model = mnistMlp(config.seed);
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr, 0.9);
  const trainer = new ClassifierTrainer(model, optimizer);
  const profiler = config.profile ? new Profiler(rt, devtoolsTimeline()) : null;
  let steps: StepProfiler | null = null;
  const stop = new AbortController();
  signal.addEventListener('abort', () => stop.abort());
  try {
    cb.onStart?.((await trainer.evaluate(data.test)).accuracy);
    // Created now so the first (compiling) step is timed from here, not from the evaluation.
    steps = profiler ? new StepProfiler(profiler, 1) : null;
    const started = performance.now();
    let count = 0;
    return await trainer.fit(data.train, data.test, {
      epochs: config.epochs,
      batchSize: config.batch,
      seed: config.seed,
      signal: stop.signal,
      onStep: (info) => {
        count++;
        steps?.onStep(info);
        cb.onStep(info, (1000 * count) / (performance.now() - started));
        if (steps && count % KERNEL_TABLE_EVERY === 0) void refreshKernels(steps, cb);
        if (config.maxSteps && count >= config.maxSteps) stop.abort();
      },
      onEpoch: cb.onEpoch,
    });
  } finally {
    profiler?.stop();
    if (steps) await refreshKernels(steps, cb);
    await profiler?.dispose();
    trainer.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
