// Spec §8 C: an MNIST MLP 784-256-256-10 trained in FP32, in the paper's configuration (first
// and last layer FP16, middle layer FP8, chunked FP16 GEMMs, FP16 master weights updated with
// stochastic rounding, summed-loss back-propagation) and its ablations.
import type { TrainTest } from '../../data/batches.js';
import { fail } from '../../device/errors.js';
import { ClassifierTrainer, type EpochRecord } from '../../nn/trainer.js';
import { Flatten, Sequential } from '../../nn/layers/sequential.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import { PAPER_ACCUMULATION, type Accumulation } from '../../precision/accumulate.js';
import { BINARY16 } from '../../precision/format.js';
import { LossScale } from '../../precision/training/loss-scale.js';
import { LowpLinear, type LayerPrecision } from '../../precision/training/lowp-linear.js';
import { LowpSGD } from '../../precision/training/lowp-sgd.js';

/** The training configurations compared (spec §8 C and its extra ablations). */
export type MnistVariant = 'fp32' | 'paper' | 'rne-update' | 'no-chunking' | 'all-fp8' | 'binary16' | 'block-fp8';

export const VARIANT_LABELS: Readonly<Record<MnistVariant, string>> = {
  fp32: 'FP32',
  paper: 'paper config (FP8 GEMMs, chunk 64, SR update)',
  'rne-update': 'same, round-to-nearest update',
  'no-chunking': 'same, no chunking (CL = K)',
  'all-fp8': 'same, all layers FP8',
  binary16: 'same, IEEE binary16 instead of FP16 (1,6,9)',
  'block-fp8': 'same, block-scaled FP8 GEMMs (E4M3/E5M2, f32 every 128) instead of chunked',
};

export interface MnistRun {
  variant: MnistVariant;
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Hidden widths (the spec: [256, 256]). */
  hidden: readonly number[];
}

export interface MnistRunResult extends MnistRun {
  epochRecords: EpochRecord[];
  /** Over the whole run: weight updates round-to-nearest would discard / nonzero updates. */
  lostUpdateFraction: number | null;
  /** Over the whole run: FP8 output-gradient values that underflowed / nonzero ones. */
  underflowFraction: number | null;
  /** Multiply-adds of one example's forward pass: all GEMMs, and those with FP8 operands. */
  macs: { total: number; fp8: number };
  seconds: number;
}

const MOMENTUM = 0.9;
const WEIGHT_DECAY = 1e-4;
/** 'no-chunking' runs CL = K; no GEMM here has K above this. */
const NO_CHUNK = 2 ** 30;

function layerPrecisions(variant: MnistVariant, layers: number): LayerPrecision[] {
  if (variant === 'fp32') return Array<LayerPrecision>(layers).fill('fp32');
  if (variant === 'all-fp8') return Array<LayerPrecision>(layers).fill('fp8');
  // First and last layers FP16, the rest FP8 (the paper's chunked kind, or block-scaled).
  const middle: LayerPrecision = variant === 'block-fp8' ? 'block-fp8' : 'fp8';
  return Array.from({ length: layers }, (_, i) => (i === 0 || i === layers - 1 ? 'fp16' : middle));
}

/** Forward multiply-adds per example of the variant's network (each backward GEMM repeats its layer's count). */
export function networkMacs(variant: MnistVariant, widths: readonly number[]): { total: number; fp8: number } {
  const precisions = layerPrecisions(variant, widths.length - 1);
  let total = 0;
  let fp8 = 0;
  precisions.forEach((precision, i) => {
    const macs = widths[i]! * widths[i + 1]!;
    total += macs;
    if (precision === 'fp8' || precision === 'block-fp8') fp8 += macs;
  });
  return { total, fp8 };
}

function accumulationOf(variant: MnistVariant): Accumulation {
  if (variant === 'no-chunking') return { ...PAPER_ACCUMULATION, chunk: NO_CHUNK };
  if (variant === 'binary16') return { ...PAPER_ACCUMULATION, format: BINARY16 };
  return PAPER_ACCUMULATION;
}

/** The variant's network and optimizer: what trainMnist trains, and what the MNIST demo page drives. */
export interface MnistSetup {
  model: Sequential;
  optimizer: Optimizer;
  layers: LowpLinear[];
}

/** Builds the variant's network (from the seed's initial weights) for `inputs` features and `classes` classes. */
export async function buildMnist(run: Omit<MnistRun, 'epochs'>, inputs: number, classes: number): Promise<MnistSetup> {
  const widths = [inputs, ...run.hidden, classes];
  const precisions = layerPrecisions(run.variant, widths.length - 1);
  const accumulation = accumulationOf(run.variant);
  const layers = await Promise.all(
    precisions.map((precision, i) =>
      LowpLinear.create(widths[i]!, widths[i + 1]!, {
        precision,
        accumulation,
        activation: i < precisions.length - 1 ? 'relu' : 'none',
        seed: run.seed * 16 + i,
      }),
    ),
  );
  const lowp = run.variant !== 'fp32';
  // Low precision back-propagates the summed loss: a static loss scale of the batch size.
  const model = new Sequential(new Flatten(), ...layers, ...(lowp ? [new LossScale(run.batchSize)] : []));
  const params = model.parameters();
  const optimizer = lowp
    ? new LowpSGD(params, {
        lr: run.lr,
        momentum: MOMENTUM,
        weightDecay: WEIGHT_DECAY,
        lossScale: run.batchSize,
        format: accumulation.format,
        rounding: run.variant === 'rne-update' ? 'rne' : 'sr',
        seed: run.seed,
      })
    : new SGD(params, { lr: run.lr, momentum: MOMENTUM, weightDecay: WEIGHT_DECAY });
  return { model, optimizer, layers };
}

/** The low-precision counters since the setup was built (null where the variant has no such counter). */
export async function precisionCounters(setup: MnistSetup): Promise<Pick<MnistRunResult, 'lostUpdateFraction' | 'underflowFraction'>> {
  const lostUpdateFraction = setup.optimizer instanceof LowpSGD ? (await setup.optimizer.lostUpdates()).fraction : null;
  let underflowFraction: number | null = null;
  const fp8Layers = setup.layers.filter((l) => l.precision === 'fp8');
  if (fp8Layers.length) {
    const counts = await Promise.all(fp8Layers.map((l) => l.underflow()));
    const nonzero = counts.reduce((s, c) => s + c.nonzero, 0);
    underflowFraction = nonzero ? counts.reduce((s, c) => s + c.underflows, 0) / nonzero : 0;
  }
  return { lostUpdateFraction, underflowFraction };
}

/** Trains one configuration from the seed's initial weights and reports test accuracy per epoch. */
export async function trainMnist(run: MnistRun, data: TrainTest, onEpoch?: (r: EpochRecord) => void): Promise<MnistRunResult> {
  const started = performance.now();
  if (data.train.n < run.batchSize) fail(`fp8 mnist: batch ${run.batchSize} is larger than the ${data.train.n} training examples`);
  const inputs = data.train.x.length / data.train.n;
  const setup = await buildMnist(run, inputs, data.train.classes);
  const macs = networkMacs(run.variant, [inputs, ...run.hidden, data.train.classes]);
  const trainer = new ClassifierTrainer(setup.model, setup.optimizer);
  try {
    const fit = await trainer.fit(data.train, data.test, { epochs: run.epochs, batchSize: run.batchSize, seed: run.seed, onEpoch });
    return { ...run, epochRecords: fit.epochs, ...(await precisionCounters(setup)), macs, seconds: (performance.now() - started) / 1000 };
  } finally {
    trainer.dispose();
    setup.optimizer.dispose();
    setup.model.dispose();
  }
}
