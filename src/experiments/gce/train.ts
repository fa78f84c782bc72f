// One GCE-paper training run (spec §8): an MLP or a small conv net trained with CCE, MAE, L_q or truncated L_q on
// noisy labels, SGD with heavy-ball momentum and step decay; for truncated L_q, the weights v
// are recomputed at the scheduled epochs from the best-noisy-validation snapshot, while
// training continues from the current model.
import { batches, type Dataset } from '../../data/batches.js';
import { compile, type CompiledStep } from '../../graph/compile.js';
import { softmaxCrossEntropy } from '../../kernels/loss/cross-entropy.js';
import { generalizedCrossEntropy, softmaxMae, truncatedGce } from './loss.js';
import { numel } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { SGD } from '../../optim/sgd.js';
import { fail } from '../../device/errors.js';
import { Evaluator } from './evaluate.js';
import { experimentConvNet } from './convnet.js';
import { copyState, experimentMlp } from './mlp.js';
import type { Sequential } from '../../nn/layers/sequential.js';

export type GceLoss = 'cce' | 'mae' | 'lq' | 'trunc';

export const LOSS_LABELS: Readonly<Record<GceLoss, string>> = { cce: 'CCE', mae: 'MAE', lq: 'L_q', trunc: 'trunc L_q' };

export type GceModel = 'mlp' | 'cnn';

export interface TrainConfig {
  /** 'mlp': the spec's MLP (hidden widths below); 'cnn': conv-BN-ReLU stages (channels below), convnet.ts. */
  model: GceModel;
  hidden: readonly number[];
  channels: readonly number[];
  epochs: number;
  batchSize: number;
  /** Same for every loss (mean over the batch). */
  lr: number;
  momentum: number;
  weightDecay: number;
  /** lr /10 after each of these (1-indexed) epochs. */
  lrDecayEpochs: readonly number[];
  q: number;
  k: number;
  /** Truncated L_q prunes at the start of 1-indexed epochs pruneStart, pruneStart + pruneEvery, … */
  pruneStart: number;
  pruneEvery: number;
}

/** Training labels noisy, validation labels noisy (same noise), test labels clean. */
export interface NoisySplit {
  train: Dataset;
  /** 1 where a training label was corrupted. */
  trainCorrupted: Uint8Array;
  val: Dataset;
  test: Dataset;
}

export interface EpochPoint {
  epoch: number;
  /** Loss of the epoch's last batch. */
  trainLoss: number;
  valAccuracy: number;
  testAccuracy: number;
}

export interface PruneEvent {
  /** 1-indexed epoch at whose start v was recomputed. */
  epoch: number;
  /** Epoch whose snapshot (best noisy-validation accuracy so far) gave the probabilities. */
  snapshotEpoch: number;
  prunedFraction: number;
  /** Of the pruned examples, the fraction whose label was corrupted. */
  prunedMislabelled: number;
}

export interface RunResult {
  loss: GceLoss;
  seed: number;
  epochs: EpochPoint[];
  prunes: PruneEvent[];
  finalTest: number;
  peakTest: number;
  /** Clean test accuracy at the epoch of best noisy-validation accuracy (the paper's model selection). */
  selectedTest: number;
  seconds: number;
}

export function shouldPrune(cfg: TrainConfig, epoch: number): boolean {
  return epoch >= cfg.pruneStart && (epoch - cfg.pruneStart) % cfg.pruneEvery === 0;
}

export function lrAt(cfg: TrainConfig, epoch: number): number {
  return cfg.lr * 0.1 ** cfg.lrDecayEpochs.filter((d) => d < epoch).length;
}

function lossOf(kind: GceLoss, cfg: TrainConfig, logits: Tensor, y: Tensor, v: Tensor | undefined): Tensor {
  switch (kind) {
    case 'cce': return softmaxCrossEntropy(logits, y);
    case 'mae': return softmaxMae(logits, y);
    case 'lq': return generalizedCrossEntropy(logits, y, cfg.q);
    case 'trunc': return truncatedGce(logits, y, { q: cfg.q, k: cfg.k, weights: v! });
  }
}

/** Trains one loss on one noisy split from the seed's initial weights. */
export async function trainGce(kind: GceLoss, split: NoisySplit, cfg: TrainConfig, seed: number, onEpoch?: (p: EpochPoint) => void): Promise<RunResult> {
  const started = performance.now();
  const { train } = split;
  if (train.n < cfg.batchSize) fail(`gce: batch ${cfg.batchSize} is larger than the ${train.n} training examples`);
  const model = gceModel(cfg, train, seed);
  const best = gceModel(cfg, train, seed);
  const optimizer = new SGD(model.parameters(), { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });
  const evaluator = new Evaluator(model);
  const bestEvaluator = new Evaluator(best, cfg.k);
  const truncated = kind === 'trunc';
  let step: CompiledStep | null = null;
  try {
    step = await compile(
      {
        x: { shape: [cfg.batchSize, ...train.shape] },
        y: { shape: [cfg.batchSize], dtype: 'u32' },
        ...(truncated ? { v: { shape: [cfg.batchSize] } } : {}),
      },
      ({ x, y, v }) => {
        const loss = lossOf(kind, cfg, model.forward(x!), y!, v);
        loss.backward();
        optimizer.step();
        return { loss };
      },
    );
    const weights = new Float32Array(train.n).fill(1);
    const batchWeights = new Float32Array(cfg.batchSize);
    const result: RunResult = { loss: kind, seed, epochs: [], prunes: [], finalTest: NaN, peakTest: -1, selectedTest: NaN, seconds: 0 };
    let bestVal = -1;
    let bestEpoch = 0;
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      optimizer.lr = lrAt(cfg, epoch);
      if (truncated && shouldPrune(cfg, epoch) && bestEpoch > 0) {
        weights.set(await bestEvaluator.keep(train));
        result.prunes.push({ epoch, snapshotEpoch: bestEpoch, ...pruneStats(weights, split.trainCorrupted) });
      }
      // Batches share one buffer pair (see batches()): walk them lazily, and read the loss back
      // only after the last one, so the GPU is not drained every step.
      const count = Math.floor(train.n / cfg.batchSize);
      let lastLoss = NaN;
      let i = 0;
      for (const b of batches(train, { batchSize: cfg.batchSize, seed, epoch, dropLast: true })) {
        const feeds: Record<string, ArrayBufferView> = { x: b.x, y: b.y };
        if (truncated) {
          b.indices.forEach((k, j) => (batchWeights[j] = weights[k]!));
          feeds.v = batchWeights;
        }
        const last = ++i === count;
        const out = await step.run(feeds, { read: last ? ['loss'] : [] });
        if (last) lastLoss = out.loss![0]!;
      }
      if (!Number.isFinite(lastLoss)) fail(`gce: the ${LOSS_LABELS[kind]} loss became ${lastLoss} in epoch ${epoch}; lower the learning rate`);
      const point: EpochPoint = { epoch, trainLoss: lastLoss, valAccuracy: await evaluator.accuracy(split.val), testAccuracy: await evaluator.accuracy(split.test) };
      result.epochs.push(point);
      if (point.valAccuracy > bestVal) {
        bestVal = point.valAccuracy;
        bestEpoch = epoch;
        result.selectedTest = point.testAccuracy;
        if (truncated) await copyState(model, best);
      }
      result.peakTest = Math.max(result.peakTest, point.testAccuracy);
      onEpoch?.(point);
    }
    result.finalTest = result.epochs[result.epochs.length - 1]!.testAccuracy;
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } finally {
    step?.dispose();
    evaluator.dispose();
    bestEvaluator.dispose();
    optimizer.dispose();
    model.dispose();
    best.dispose();
  }
}

function gceModel(cfg: TrainConfig, train: Dataset, seed: number): Sequential {
  return cfg.model === 'cnn' ? experimentConvNet(train.shape, cfg.channels, train.classes, seed) : experimentMlp(numel(train.shape), cfg.hidden, train.classes, seed);
}

function pruneStats(weights: Float32Array, corrupted: Uint8Array): { prunedFraction: number; prunedMislabelled: number } {
  let pruned = 0;
  let wrong = 0;
  weights.forEach((v, i) => {
    if (v === 0) {
      pruned++;
      wrong += corrupted[i]!;
    }
  });
  return { prunedFraction: pruned / weights.length, prunedMislabelled: pruned ? wrong / pruned : 0 };
}
