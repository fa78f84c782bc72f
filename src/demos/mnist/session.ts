// One training run of the MNIST demo on the embedded digits, with optional kernel profiling onto
// the DevTools track. FP32 trains the CLI's model with its optimizers; the FP8 precisions train
// the fp8 experiment's own network and optimizer (buildMnist) and read its counters. Both run
// through ClassifierTrainer, as the CLI and the experiment do.
import {
  ClassifierTrainer, Profiler, StepProfiler, devtoolsTimeline, kernelSummary, makeOptimizer, mnistMlp,
  type EpochRecord, type FitResult, type KernelRow, type Module, type Optimizer, type OptimizerName, type Runtime, type StepInfo, type TrainTest,
} from 'gradwgsl';
import {
  FP8_DEFAULT_CONFIG as DEFAULT_CONFIG, buildFp8Mnist as buildMnist, fp8PrecisionCounters as precisionCounters,
  type Fp8MnistRunResult as MnistRunResult, type Fp8MnistVariant as MnistVariant,
} from 'gradwgsl/experiments';

/** The page's precisions and the fp8 experiment's variant each runs (FP32: the CLI's path). */
export const PRECISION_VARIANTS = { fp32: null, fp8: 'paper', 'fp8-rne': 'rne-update' } as const satisfies Record<string, MnistVariant | null>;
export type Precision = keyof typeof PRECISION_VARIANTS;

export interface RunConfig {
  precision: Precision;
  /** FP32 only: the FP8 variants use the paper's SGD on FP16 master weights. */
  optimizer: OptimizerName;
  lr?: number;
  batch: number;
  epochs: number;
  seed: number;
  /** Stop after this many steps (0: train all epochs). */
  maxSteps: number;
  profile: boolean;
}

/** What only the low-precision path measures, over the whole run. */
export type LowpCounters = { variant: MnistVariant } & Pick<MnistRunResult, 'lostUpdateFraction' | 'underflowFraction'>;

export interface RunResult extends FitResult {
  /** Null for FP32. */
  lowp: LowpCounters | null;
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

/** The default learning rate of an FP8 precision: the experiment's (criterion (i)). */
export const LOWP_LR = DEFAULT_CONFIG.mnist.high.lr;

interface Trainee {
  model: Module;
  optimizer: Optimizer;
  counters(): Promise<LowpCounters | null>;
}

async function createTrainee(config: RunConfig, data: TrainTest): Promise<Trainee> {
  const variant = PRECISION_VARIANTS[config.precision];
  if (variant === null) {
    const model = mnistMlp(config.seed);
    return { model, optimizer: makeOptimizer(config.optimizer, model.parameters(), config.lr, 0.9), counters: async () => null };
  }
  const run = { variant, lr: config.lr ?? LOWP_LR, batchSize: config.batch, seed: config.seed, hidden: DEFAULT_CONFIG.mnist.hidden };
  const setup = await buildMnist(run, data.train.shape.reduce((a, b) => a * b, 1), data.train.classes);
  return { ...setup, counters: async () => ({ variant, ...(await precisionCounters(setup)) }) };
}

/** Collects the GPU times so far and hands the per-kernel table to the page. */
async function refreshKernels(steps: StepProfiler, cb: RunCallbacks): Promise<void> {
  await steps.profiler.collect();
  cb.onKernels?.(kernelSummary(steps.profiler.kernels, steps.stepsMs));
}

export async function trainMnist(rt: Runtime, data: TrainTest, config: RunConfig, signal: AbortSignal, cb: RunCallbacks): Promise<RunResult> {
  const { model, optimizer, counters } = await createTrainee(config, data);
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
    const fit = await trainer.fit(data.train, data.test, {
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
    return { ...fit, lowp: await counters() };
  } finally {
    profiler?.stop();
    if (steps) await refreshKernels(steps, cb);
    await profiler?.dispose();
    trainer.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
