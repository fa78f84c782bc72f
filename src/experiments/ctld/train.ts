// One run of the CTLD reproduction (spec §10 B): an MLP trained from a fixed initialisation by
// SGD-momentum, Adam, or a Langevin phase 1 (SGLD or CTLD) followed by SGD-momentum
// fine-tuning. CTLD switches phases once α is back in the cold region after the planned
// phase-1 length, or after a cap of extra steps (then α is reset to 0).
import { batches, type Dataset, type TrainTest } from '../../data/batches.js';
import { fail } from '../../device/errors.js';
import { compile, type CompiledStep } from '../../graph/compile.js';
import { softmaxCrossEntropy } from '../../kernels/loss/cross-entropy.js';
import type { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import { CTLD } from '../../optim/ctld.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import { SGLD } from '../../optim/sgld.js';
import { numel } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Evaluator } from '../gce/evaluate.js';
import { experimentMlp } from '../gce/mlp.js';

export type Method = 'sgdm' | 'adam' | 'sgld' | 'ctld' | 'ctld-slow-alpha';

export const METHOD_LABELS: Readonly<Record<Method, string>> = {
  sgdm: 'SGD-momentum',
  adam: 'Adam',
  sgld: 'SGLD → SGD-m',
  ctld: 'CTLD → SGD-m',
  'ctld-slow-alpha': 'CTLD (η_α/10) → SGD-m',
};

export interface CtldTrainConfig {
  hidden: readonly number[];
  epochs: number;
  batchSize: number;
  weightDecay: number;
  /** SGD-momentum (baseline and every phase 2): lr, momentum, lr /10 after these 1-indexed epochs. */
  lr: number;
  momentum: number;
  lrDecayEpochs: readonly number[];
  adamLr: number;
  /** Phase 1 (Langevin) length in epochs, and the switch cap in steps. */
  phase1Epochs: number;
  switchCapSteps: number;
  /** SGLD phase 1: learning rate on the mean loss, temperature. */
  sgldLr: number;
  /** CTLD phase 1 (spec §7): lr on the mean loss, friction a, T0, g_min, η_α (and the ablation's), a_α, bins. */
  ctldLr: number;
  friction: number;
  temperature: number;
  gMin: number;
  alphaEta: number;
  slowAlphaEta: number;
  alphaFriction: number;
  /** k_w of α's walls; η_α · k_w must stay below ~4 (1 is the spec's pairing). */
  alphaWall: number;
  bins: number;
}

export interface EpochPoint {
  epoch: number;
  /** Mean loss of the epoch's last batch. */
  trainLoss: number;
  testAccuracy: number;
}

export interface Phase1Report {
  /** Planned steps plus the extra ones until the switch. */
  steps: number;
  extraSteps: number;
  /** Fractions of phase-1 steps with g(α) < 1 (not cold) and with g = g_min (hottest). */
  notColdFraction: number;
  hotFraction: number;
  /** α when phase 2 started, and whether the cap (rather than |α| <= δ1) ended phase 1. */
  switchAlpha: number;
  capTriggered: boolean;
  /** α per phase-1 step (CTLD only). */
  alphaTrace: number[];
  /** Running mean of U~ per α bin at the switch (CTLD only). */
  binMeans: number[];
}

export interface MethodRun {
  method: Method;
  seed: number;
  epochs: EpochPoint[];
  finalTest: number;
  phase1: Phase1Report | null;
  seconds: number;
}

/** g(α) = 1 for |α| <= δ1 (spec §2 default): the cold region the switch waits for. */
export const DELTA1 = 0.2;

export function lrAt(cfg: CtldTrainConfig, base: number, epoch: number): number {
  return base * 0.1 ** cfg.lrDecayEpochs.filter((d) => d < epoch).length;
}

async function trainStep(model: Module, train: Dataset, batchSize: number, update: (loss: Tensor) => void): Promise<CompiledStep> {
  return compile({ x: { shape: [batchSize, ...train.shape] }, y: { shape: [batchSize], dtype: 'u32' } }, ({ x, y }) => {
    const loss = softmaxCrossEntropy(model.forward(x!), y!);
    loss.backward();
    update(loss);
    return { loss };
  });
}

/** Trains one epoch's batches (epoch index `epoch` seeds the order); returns the last batch's loss. */
async function runEpoch(step: CompiledStep, train: Dataset, batchSize: number, seed: number, epoch: number): Promise<number> {
  const count = Math.floor(train.n / batchSize);
  let i = 0;
  let last = NaN;
  for (const b of batches(train, { batchSize, seed, epoch, dropLast: true })) {
    const out = await step.run({ x: b.x, y: b.y }, { read: ++i === count ? ['loss'] : [] });
    if (i === count) last = out.loss![0]!;
  }
  if (!Number.isFinite(last)) fail(`ctld: the loss became ${last} in epoch ${epoch + 1}; lower the learning rate or the temperature`);
  return last;
}

/** Trains `method` from the seed's initialisation and reports clean test accuracy per epoch. */
export async function trainMethod(method: Method, data: TrainTest, cfg: CtldTrainConfig, seed: number, onEpoch?: (p: EpochPoint) => void): Promise<MethodRun> {
  const started = performance.now();
  const { train, test } = data;
  if (train.n < cfg.batchSize) fail(`ctld: batch ${cfg.batchSize} is larger than the ${train.n} training examples`);
  const model = experimentMlp(numel(train.shape), cfg.hidden, train.classes, seed);
  const params = model.parameters();
  const evaluator = new Evaluator(model);
  const owned: { dispose(): void }[] = [evaluator, model];
  const result: MethodRun = { method, seed, epochs: [], finalTest: NaN, phase1: null, seconds: 0 };
  const record = async (epoch: number, trainLoss: number) => {
    const point = { epoch, trainLoss, testAccuracy: await evaluator.accuracy(test) };
    result.epochs.push(point);
    onEpoch?.(point);
  };
  /** Epochs [from, cfg.epochs] with a step-decayed optimizer. */
  const optimise = async (optimizer: Optimizer, base: number, from: number) => {
    owned.push(optimizer);
    const step = await trainStep(model, train, cfg.batchSize, () => optimizer.step());
    owned.push(step);
    for (let epoch = from; epoch <= cfg.epochs; epoch++) {
      optimizer.lr = lrAt(cfg, base, epoch);
      await record(epoch, await runEpoch(step, train, cfg.batchSize, seed, epoch - 1));
    }
  };
  try {
    if (method === 'sgdm' || method === 'adam') {
      const optimizer =
        method === 'sgdm'
          ? new SGD(params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay })
          : new Adam(params, { lr: cfg.adamLr, weightDecay: cfg.weightDecay });
      await optimise(optimizer, method === 'sgdm' ? cfg.lr : cfg.adamLr, 1);
    } else {
      result.phase1 = await langevinPhase(method, model, data, cfg, seed, owned, record);
      await optimise(new SGD(params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay }), cfg.lr, cfg.phase1Epochs + 1);
    }
    result.finalTest = result.epochs[result.epochs.length - 1]!.testAccuracy;
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } finally {
    for (const o of owned.reverse()) o.dispose();
  }
}

async function langevinPhase(
  method: Method,
  model: Module,
  data: TrainTest,
  cfg: CtldTrainConfig,
  seed: number,
  owned: { dispose(): void }[],
  record: (epoch: number, loss: number) => Promise<void>,
): Promise<Phase1Report> {
  const { train } = data;
  const perEpoch = Math.floor(train.n / cfg.batchSize);
  const planned = cfg.phase1Epochs * perEpoch;
  const common = { dataSize: train.n, weightDecay: cfg.weightDecay, temperature: cfg.temperature, seed, stream: 2 ** 31 };
  const sampler =
    method === 'sgld'
      ? new SGLD(model.parameters(), { ...common, lr: cfg.sgldLr })
      : new CTLD(model.parameters(), {
          ...common,
          lr: cfg.ctldLr,
          friction: cfg.friction,
          tempering: {
            gMin: cfg.gMin,
            delta1: DELTA1,
            eta: method === 'ctld' ? cfg.alphaEta : cfg.slowAlphaEta,
            friction: cfg.alphaFriction,
            wall: cfg.alphaWall,
            bins: cfg.bins,
            traceLength: planned + cfg.switchCapSteps,
          },
        });
  owned.push(sampler);
  const step = await trainStep(model, train, cfg.batchSize, (loss) => sampler.step(loss));
  owned.push(step);
  for (let epoch = 1; epoch <= cfg.phase1Epochs; epoch++) await record(epoch, await runEpoch(step, train, cfg.batchSize, seed, epoch - 1));
  if (!sampler.tempering) {
    return { steps: planned, extraSteps: 0, notColdFraction: 0, hotFraction: 0, switchAlpha: 0, capTriggered: false, alphaTrace: [], binMeans: [] };
  }
  // The switch rule (spec §6): keep sampling until α is back in the cold region, at most the cap.
  let extra = 0;
  let state = await sampler.temperingState();
  const extraBatches = batches(train, { batchSize: cfg.batchSize, seed, epoch: cfg.phase1Epochs + 1000, dropLast: true });
  while (Math.abs(state.alpha) > DELTA1 && extra < cfg.switchCapSteps) {
    const next = extraBatches.next();
    if (next.done) fail('ctld: the switch cap is longer than an epoch; lower switchCapSteps');
    await step.run({ x: next.value.x, y: next.value.y });
    extra++;
    state = await sampler.temperingState();
  }
  // Phase 2 has no α, so the spec's "reset α to 0" on the cap only needs recording.
  const capTriggered = Math.abs(state.alpha) > DELTA1;
  const switchAlpha = state.alpha;
  const trace = await sampler.alphaTrace();
  return {
    steps: state.steps,
    extraSteps: extra,
    notColdFraction: 1 - state.coldSteps / state.steps,
    hotFraction: state.hotSteps / state.steps,
    switchAlpha,
    capTriggered,
    alphaTrace: Array.from(trace),
    binMeans: Array.from(state.binMeans),
  };
}
