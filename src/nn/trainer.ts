// Trains a classifier with a compiled step (forward, backward and optimizer update in one
// command buffer), evaluates with a compiled forward pass, and checkpoints so an interrupted
// run resumes with exactly the losses an uninterrupted one would have had.
import { batches, type Batch, type Dataset } from '../data/batches.js';
import { GradwgslError, NonFiniteError, fail } from '../device/errors.js';
import { compile, type CompiledStep } from '../graph/compile.js';
import { countCorrect } from '../kernels/loss/argmax.js';
import { softmaxCrossEntropy } from '../kernels/loss/cross-entropy.js';
import { runtime } from '../graph/runtime.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { decodeCheckpoint, encodeCheckpoint, requireFinite, restoreInto, type CheckpointStore, type LoadedCheckpoint } from './checkpoint.js';
import { CheckpointMetadata } from './checkpoint-metadata.js';
import type { Module } from './module.js';

/**
 * Training produced a non-finite loss or parameter update (the GPU's NaN/Inf guard, read with the
 * step's outputs); experiments catch it to record a diverged run.
 */
export class DivergedError extends GradwgslError {
  override name = 'DivergedError';
  constructor(readonly loss: number, readonly epoch: number, readonly step: number, detail?: string) {
    super(
      `train: ${detail ?? `the loss became ${loss}`} at epoch ${epoch}, step ${step}; ` +
        'lower the learning rate, then restart or resume from the last checkpoint (it holds the weights before the failure)',
    );
  }
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the data order (each epoch has its own stream). */
  seed: number;
  /** Where the checkpoint is written at the end of every epoch and when interrupted (a file: checkpointFile(path)). */
  checkpoint?: CheckpointStore;
  /** Continue from the checkpoint if it exists. */
  resume?: boolean;
  /**
   * The learning rate to train at. Left out, the optimizer's own is used, and after resuming the
   * checkpoint's; given, it also replaces the checkpoint's (FitResult.resumedFrom.lr keeps that).
   */
  lr?: number;
  /** Called once the checkpoint is restored, before the first step. */
  onResume?(from: ResumedFrom): void;
  /** Abort to stop after the current step; a checkpoint is written first. */
  signal?: AbortSignal;
  onStep?(info: StepInfo): void;
  onEpoch?(record: EpochRecord): void;
}

export interface StepInfo {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps (those run in this process included only). */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

export interface FitResult {
  epochs: EpochRecord[];
  /** Per-step training losses, in order (resumed runs start where the checkpoint left off). */
  losses: number[];
  interrupted: boolean;
  resumedFrom: ResumedFrom | null;
}

interface Position {
  epoch: number;
  batch: number;
}

export interface ResumedFrom extends Position {
  /** The learning rate the checkpoint was saved with. */
  lr: number;
}

const FORMAT = 'gradwgsl-classifier-1';

/** A checkpoint read and checked, not yet written into the model. */
interface SavedRun {
  loaded: LoadedCheckpoint;
  position: Position;
  planStep: number;
}

export class ClassifierTrainer {
  private step: CompiledStep | null = null;
  private readonly evalSteps = new Map<number, CompiledStep>();

  constructor(
    readonly model: Module,
    readonly optimizer: Optimizer,
  ) {}

  private checkData(ds: Dataset, what: string): void {
    if (ds.n < 1) fail(`${what}: the data set is empty`);
    if (!Number.isInteger(ds.classes) || ds.classes < 2) fail(`${what}: the data set declares ${ds.classes} classes; a classifier needs an integer >= 2`);
    // The loss kernels index the logits by label: one out of range would read another example's.
    const bad = ds.y.findIndex((label) => label >= ds.classes);
    if (bad >= 0) fail(`${what}: label ${ds.y[bad]} of example ${bad} is not a class index in [0, ${ds.classes}) (the data set declares ${ds.classes} classes); fix the labels or the class count`);
  }

  /** The model must give one logit per class of the data. */
  private checkLogits(logits: Tensor, ds: Dataset, what: string): void {
    const width = logits.shape.at(-1);
    if (width !== ds.classes) fail(`${what}: the model gives ${width} logits per example but the data set has ${ds.classes} classes; build the model's last layer with ${ds.classes} outputs`);
  }

  private async trainStep(ds: Dataset, batchSize: number): Promise<CompiledStep> {
    if (this.step) return this.step;
    if (batchSize > ds.n) fail(`train: batch size ${batchSize} is larger than the ${ds.n} training examples`);
    this.model.train();
    this.step = await compile(
      { x: { shape: [batchSize, ...ds.shape] }, y: { shape: [batchSize], dtype: 'u32' } },
      ({ x, y }) => {
        const logits = this.model.forward(x!);
        this.checkLogits(logits, ds, 'train');
        const loss = softmaxCrossEntropy(logits, y!);
        loss.backward();
        this.optimizer.step();
        return { loss, correct: countCorrect(logits, y!) };
      },
    );
    return this.step;
  }

  private async evalStep(ds: Dataset, batchSize: number): Promise<CompiledStep> {
    let step = this.evalSteps.get(batchSize);
    if (!step) {
      this.model.eval();
      step = await compile(
        { x: { shape: [batchSize, ...ds.shape] }, y: { shape: [batchSize], dtype: 'u32' } },
        ({ x, y }) => {
          const logits = this.model.forward(x!);
          this.checkLogits(logits, ds, 'evaluate');
          return { loss: softmaxCrossEntropy(logits, y!, 'sum'), correct: countCorrect(logits, y!) };
        },
      );
      this.model.train();
      this.evalSteps.set(batchSize, step);
    }
    return step;
  }

  /** Accuracy and mean loss over a data set, in compiled batches (the last one may be smaller). */
  async evaluate(ds: Dataset, batchSize = 500): Promise<{ accuracy: number; loss: number }> {
    this.checkData(ds, 'evaluate');
    let correct = 0;
    let loss = 0;
    for (const b of batches(ds, { batchSize, shuffle: false })) {
      const step = await this.evalStep(ds, b.size);
      const out = await step.run({ x: b.x, y: b.y }, { read: ['loss', 'correct'] });
      loss += out.loss![0]!;
      correct += out.correct![0]!;
    }
    return { accuracy: correct / ds.n, loss: loss / ds.n };
  }

  /** Everything a checkpoint holds: the model, the optimizer state and where training stood. */
  private checkpointTensors(): Record<string, Tensor> {
    return { ...prefixed('model.', this.model.stateDict()), ...prefixed('optim.', this.optimizer.state()) };
  }

  private async save(store: CheckpointStore, pos: Position, options: FitOptions): Promise<void> {
    const bytes = await encodeCheckpoint({
      tensors: this.checkpointTensors(),
      metadata: {
        format: FORMAT,
        position: JSON.stringify(pos),
        seed: String(options.seed),
        batchSize: String(options.batchSize),
        planStep: String(this.step?.stepCount ?? 0),
        rngStreams: String(runtime().rngStreams),
      },
    });
    await store.save(bytes);
  }

  /** Reads the checkpoint and checks every metadata field and value before anything is compiled or written. */
  private async readCheckpoint(store: CheckpointStore, options: FitOptions, perEpoch: number): Promise<SavedRun> {
    const loaded = decodeCheckpoint(await store.load(), store.name);
    const meta = new CheckpointMetadata(loaded.metadata, store.name);
    if (meta.text('format') !== FORMAT) fail(`resume: checkpoint '${store.name}' is not a gradwgsl classifier checkpoint (format ${JSON.stringify(meta.text('format'))}, expected '${FORMAT}')`);
    for (const [key, option] of [['seed', '--seed'], ['batchSize', '--batch']] as const) {
      const saved = meta.integer(key, 0);
      if (saved !== options[key]) fail(`resume: checkpoint '${store.name}' was written with ${option} ${saved}, this run uses ${options[key]}; use the same value or start fresh`);
    }
    const position = meta.position(perEpoch);
    const planStep = meta.integer('planStep', 0);
    // Not restored (the classifier draws no random numbers), but a damaged value means a damaged file.
    meta.integer('rngStreams', 0);
    requireFinite(loaded, `resume: checkpoint '${store.name}'`);
    return { loaded, position, planStep };
  }

  private async restore(saved: SavedRun, store: CheckpointStore): Promise<void> {
    const { loaded } = saved;
    restoreInto(prefixed('model.', this.model.stateDict()), loaded, { allowExtra: true });
    const optim: OptimizerState = {};
    for (const [k, a] of Object.entries(loaded.arrays)) {
      if (k.startsWith('optim.')) optim[k.slice(6)] = a.data as Float32Array | Uint32Array;
    }
    await this.optimizer.loadState(optim).catch((e: unknown) => {
      throw e instanceof GradwgslError ? new GradwgslError(`resume: checkpoint '${store.name}' does not hold this optimizer's state (${e.message}); resume with the optimizer it was saved with, or start fresh`) : e;
    });
    if (!(Number.isFinite(this.optimizer.lr) && this.optimizer.lr >= 0)) {
      fail(`resume: checkpoint '${store.name}': tensor 'optim.hyper' holds the learning rate ${this.optimizer.lr}; the file is damaged. Start fresh`);
    }
    this.step!.stepCount = saved.planStep;
  }

  async fit(train: Dataset, test: Dataset, options: FitOptions): Promise<FitResult> {
    this.checkData(train, 'train');
    this.checkData(test, 'test');
    if (!Number.isInteger(options.epochs) || options.epochs < 1) fail(`train: epochs = ${options.epochs} must be a positive integer`);
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) fail(`train: batchSize = ${options.batchSize} must be a positive integer`);
    if (test.shape.join() !== train.shape.join()) fail(`train: test examples ${fmt(test.shape)} differ from training examples ${fmt(train.shape)}`);
    if (options.lr !== undefined && !(Number.isFinite(options.lr) && options.lr >= 0)) fail(`train: lr = ${options.lr} must be a finite number >= 0`);
    const perEpoch = Math.floor(train.n / options.batchSize);
    let saved: SavedRun | null = null;
    if (options.resume) {
      if (!options.checkpoint) fail('resume: no checkpoint given; pass the one to continue from as `checkpoint` (a file: checkpointFile(path))');
      if (await options.checkpoint.exists()) saved = await this.readCheckpoint(options.checkpoint, options, perEpoch);
    }
    const step = await this.trainStep(train, options.batchSize);
    let pos: Position = { epoch: 0, batch: 0 };
    let resumedFrom: ResumedFrom | null = null;
    if (saved) {
      await this.restore(saved, options.checkpoint!);
      pos = { ...saved.position };
      resumedFrom = { ...pos, lr: this.optimizer.lr };
    }
    if (options.lr !== undefined) this.optimizer.lr = options.lr;
    if (resumedFrom) options.onResume?.(resumedFrom);
    const result: FitResult = { epochs: [], losses: [], interrupted: false, resumedFrom };
    for (; pos.epoch < options.epochs; pos = { epoch: pos.epoch + 1, batch: 0 }) {
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let index = 0;
      for (const b of batches(train, { batchSize: options.batchSize, seed: options.seed, epoch: pos.epoch, dropLast: true })) {
        if (index++ < pos.batch) continue; // already trained before the interruption
        const out = await this.guardedRun(step, b, pos.epoch + 1, index);
        const loss = out.loss![0]!;
        if (!Number.isFinite(loss)) throw new DivergedError(loss, pos.epoch + 1, index);
        result.losses.push(loss);
        lossSum += loss * b.size;
        correct += out.correct![0]!;
        seen += b.size;
        options.onStep?.({ epoch: pos.epoch, batch: index, batches: perEpoch, loss });
        if (options.signal?.aborted) {
          if (options.checkpoint) await this.save(options.checkpoint, { epoch: pos.epoch, batch: index }, options);
          result.interrupted = true;
          return result;
        }
      }
      const evalResult = await this.evaluate(test);
      const record: EpochRecord = {
        epoch: pos.epoch + 1,
        trainLoss: seen ? lossSum / seen : NaN,
        trainAccuracy: seen ? correct / seen : NaN,
        testLoss: evalResult.loss,
        testAccuracy: evalResult.accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      result.epochs.push(record);
      options.onEpoch?.(record);
      if (options.checkpoint) await this.save(options.checkpoint, { epoch: pos.epoch + 1, batch: 0 }, options);
    }
    return result;
  }

  /**
   * One training step with the runtime's NaN/Inf guard on: the update kernels flag a non-finite
   * loss or parameter in the buffer read back with the loss (no extra submit), and the run stops
   * there instead of training on from poisoned weights.
   */
  private async guardedRun(step: CompiledStep, b: Batch, epoch: number, index: number) {
    const rt = runtime();
    const was = rt.checkFinite;
    rt.checkFinite = true;
    try {
      return await step.run({ x: b.x, y: b.y }, { read: ['loss', 'correct'] });
    } catch (e) {
      if (e instanceof NonFiniteError) throw new DivergedError(NaN, epoch, index, e.message);
      throw e;
    } finally {
      rt.checkFinite = was;
    }
  }

  dispose(): void {
    this.step?.dispose();
    for (const s of this.evalSteps.values()) s.dispose();
    this.evalSteps.clear();
    this.step = null;
  }
}

function prefixed(prefix: string, tensors: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [prefix + k, t]));
}
