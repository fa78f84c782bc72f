// The training path: compiled plan vs eager, constant memory, resumable checkpoints.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { subset, type Dataset } from '../../src/data/batches.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/data/safetensors.js';
import { loadMnist } from '../../src/node/mnist.js';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { checkpointFile } from '../../src/node/checkpoint-file.js';
import { mnistMlp } from '../../src/nn/models.js';
import { ClassifierTrainer } from '../../src/nn/trainer.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

const B = 32;

async function digits(n: number) {
  const { train, test } = await loadMnist();
  return { train: subset(train, Array.from({ length: n }, (_, i) => i)), test: subset(test, Array.from({ length: 200 }, (_, i) => i)) };
}

describe('compiled training step', () => {
  it('gives the same losses as eager execution over 5 steps (SGD with momentum)', async () => {
    const { train } = await digits(5 * B);
    const batch = (i: number) => ({ x: train.x.subarray(i * B * 784, (i + 1) * B * 784), y: train.y.subarray(i * B, (i + 1) * B) });

    const eagerModel = mnistMlp(3, 32);
    const eagerOpt = new SGD(eagerModel.parameters(), { lr: 0.05, momentum: 0.9 });
    const eager: number[] = [];
    for (let i = 0; i < 5; i++) {
      const rt = runtime();
      const loss = rt.tidy(() => {
        const { x, y } = batch(i);
        const l = softmaxCrossEntropy(eagerModel.forward(tensor(x, [B, 1, 28, 28])), tensor(y, [B], 'u32'));
        l.backward();
        eagerOpt.step();
        eagerOpt.zeroGrad();
        return l;
      });
      eager.push(await loss.item());
      loss.dispose();
    }

    const model = mnistMlp(3, 32);
    const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const step = await compile({ x: { shape: [B, 1, 28, 28] }, y: { shape: [B], dtype: 'u32' } }, ({ x, y }) => {
      const l = softmaxCrossEntropy(model.forward(x!), y!);
      l.backward();
      opt.step();
      return { loss: l };
    });
    const planned: number[] = [];
    for (let i = 0; i < 5; i++) planned.push((await step.run(batch(i), { read: ['loss'] })).loss![0]!);
    expect(planned).toEqual(eager);
    expect(eager[4]!).toBeLessThan(eager[0]!);
    step.dispose();
  });

  it('keeps the number of live GPU buffers constant across 50 steps (Adam)', async () => {
    const { train } = await digits(B);
    const model = mnistMlp(4, 32);
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const step = await compile({ x: { shape: [B, 1, 28, 28] }, y: { shape: [B], dtype: 'u32' } }, ({ x, y }) => {
      const l = softmaxCrossEntropy(model.forward(x!), y!);
      l.backward();
      opt.step();
      return { loss: l };
    });
    const feeds = { x: train.x, y: train.y };
    await step.run(feeds);
    const before = runtime().stats();
    const counts: number[] = [];
    for (let i = 0; i < 50; i++) {
      await step.run(feeds, { read: i % 10 === 9 ? ['loss'] : [] });
      counts.push(runtime().stats().live);
    }
    expect(new Set(counts).size).toBe(1);
    expect(runtime().stats()).toEqual(before);
    expect(await opt.stepCount()).toBe(51);
    step.dispose();
  });
});

describe('checkpoints', () => {
  it('an interrupted run resumed from its checkpoint has the same losses as an uninterrupted one', async () => {
    const { train, test } = await digits(10 * B);
    const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-resume-'));
    const fit = async (path: string, stopAfter: number | null, resume: boolean) => {
      const model = mnistMlp(5, 32);
      const trainer = new ClassifierTrainer(model, new Adam(model.parameters(), { lr: 2e-3 }));
      const abort = new AbortController();
      const result = await trainer.fit(train, test, {
        epochs: 2, batchSize: B, seed: 9, checkpoint: checkpointFile(path), resume, signal: abort.signal,
        onStep: () => {
          if (stopAfter !== null && --stopAfter === 0) abort.abort();
        },
      });
      trainer.dispose();
      model.dispose();
      return result;
    };
    const straight = await fit(join(dir, 'a.safetensors'), null, false);
    const first = await fit(join(dir, 'b.safetensors'), 13, false); // stops mid-epoch 2
    expect(first.interrupted).toBe(true);
    const second = await fit(join(dir, 'b.safetensors'), null, true);
    expect(second.resumedFrom).toEqual({ epoch: 1, batch: 3, lr: Math.fround(2e-3) });
    expect([...first.losses, ...second.losses]).toEqual(straight.losses);
    expect(second.epochs.at(-1)!.testAccuracy).toBe(straight.epochs.at(-1)!.testAccuracy);
  });
});

describe('resuming', () => {
  let dir: string;
  let data: Awaited<ReturnType<typeof digits>>;
  /** A checkpoint of an Adam run (lr 2e-3) interrupted after 2 steps. */
  let interrupted: string;

  /** Trains (or resumes) `path` with Adam at 2e-3 unless `lr` is given, stopping after `steps` steps. */
  const run = async (path: string, steps: number, options: { resume?: boolean; lr?: number; train?: Dataset } = {}) => {
    const model = mnistMlp(5, 32);
    const trainer = new ClassifierTrainer(model, new Adam(model.parameters(), { lr: 2e-3 }));
    const abort = new AbortController();
    try {
      const result = await trainer.fit(options.train ?? data.train, data.test, {
        epochs: 1, batchSize: B, seed: 9, checkpoint: checkpointFile(path), resume: options.resume, lr: options.lr, signal: abort.signal,
        onStep: () => {
          if (--steps === 0) abort.abort();
        },
      });
      const hyper = (await trainer.optimizer.state().hyper!.data()) as Uint32Array;
      return { result, lr: trainer.optimizer.lr, gpuLr: new Float32Array(hyper.buffer, hyper.byteOffset, 1)[0] };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  };

  /** A copy of the interrupted checkpoint with its metadata and arrays changed by `edit`. */
  const damaged = (name: string, edit: (file: ReturnType<typeof decodeSafetensors>) => void) => {
    const file = decodeSafetensors(readFileSync(interrupted), 'test');
    edit(file);
    const path = join(dir, name);
    writeFileSync(path, encodeSafetensors(file.arrays, file.metadata));
    return path;
  };

  beforeAll(async () => {
    data = await digits(4 * B);
    dir = mkdtempSync(join(tmpdir(), 'gradwgsl-resume-'));
    interrupted = join(dir, 'interrupted.safetensors');
    expect((await run(interrupted, 2)).result.interrupted).toBe(true);
  });

  it('keeps the checkpoint\'s learning rate, or trains at a given one and reports the replaced rate', async () => {
    const kept = await run(damaged('kept.safetensors', () => {}), 1, { resume: true });
    expect(kept.result.resumedFrom).toEqual({ epoch: 0, batch: 2, lr: Math.fround(2e-3) });
    expect([kept.lr, kept.gpuLr]).toEqual([Math.fround(2e-3), Math.fround(2e-3)]);
    const replaced = await run(damaged('replaced.safetensors', () => {}), 1, { resume: true, lr: 5e-4 });
    expect(replaced.result.resumedFrom).toEqual({ epoch: 0, batch: 2, lr: Math.fround(2e-3) });
    // The rate the run reports is the one the GPU's update kernels read.
    expect([replaced.lr, replaced.gpuLr]).toEqual([5e-4, Math.fround(5e-4)]);
  });

  const damages: [string, (f: ReturnType<typeof decodeSafetensors>) => void, RegExp][] = [
    ['position that is not JSON', (f) => (f.metadata.position = 'abc'), /metadata field 'position' is "abc", expected JSON like \{"epoch":1,"batch":0\} with integers epoch >= 0 and batch in \[0, 4\]/],
    ['position out of range', (f) => (f.metadata.position = '{"epoch":0,"batch":99}'), /metadata field 'position' is .*"batch\\":99.*, expected JSON like/],
    ['planStep that is not a number', (f) => (f.metadata.planStep = 'abc'), /metadata field 'planStep' is "abc", expected an integer >= 0/],
    ['negative rngStreams', (f) => (f.metadata.rngStreams = '-1'), /metadata field 'rngStreams' is "-1", expected an integer >= 0/],
    ['a missing field', (f) => delete f.metadata.seed, /has no metadata field 'seed'/],
    ['a foreign format', (f) => (f.metadata.format = 'other'), /is not a gradwgsl classifier checkpoint \(format "other"/],
    ['NaN weights', (f) => (Object.entries(f.arrays).find(([k]) => k.startsWith('model.'))![1].data[7] = NaN), /tensor 'model\.[^']+' holds NaN at element 7; the run that saved it had diverged or the file is damaged/],
    ['Inf in the optimizer state', (f) => (Object.entries(f.arrays).find(([k]) => k.endsWith('exp_avg_sq'))![1].data[0] = Infinity), /tensor 'optim\.[^']+exp_avg_sq' holds Infinity at element 0/],
  ];
  for (const [what, edit, message] of damages) {
    it(`refuses a checkpoint with ${what}, naming the file and the field or tensor`, async () => {
      const path = damaged(`${what.replace(/\W+/g, '-')}.safetensors`, edit);
      await expect(run(path, 1, { resume: true })).rejects.toThrow(new RegExp(`checkpoint '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'.*${message.source}`));
    });
  }

  it('refuses to resume an Adam checkpoint with another optimizer, saying so', async () => {
    const model = mnistMlp(5, 32);
    const trainer = new ClassifierTrainer(model, new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }));
    const path = damaged('sgd.safetensors', () => {});
    await expect(trainer.fit(data.train, data.test, { epochs: 1, batchSize: B, seed: 9, checkpoint: checkpointFile(path), resume: true })).rejects.toThrow(
      `resume: checkpoint '${path}' does not hold this optimizer's state (SGD.loadState: unknown entry '0.exp_avg'`,
    );
    trainer.dispose();
    model.dispose();
  });

  it('refuses labels outside the declared classes, and a model whose logits do not match them', async () => {
    const y = Uint32Array.from(data.train.y);
    y[3] = 255;
    const stray: Dataset = { ...data.train, y };
    await expect(run(join(dir, 'labels.safetensors'), 1, { train: stray })).rejects.toThrow(
      'train: label 255 of example 3 is not a class index in [0, 10) (the data set declares 10 classes)',
    );
    await expect(run(join(dir, 'classes.safetensors'), 1, { train: { ...data.train, classes: 12 } })).rejects.toThrow(
      'train: the model gives 10 logits per example but the data set has 12 classes',
    );
  });
});

describe('small CNN', () => {
  it('trains through a compiled step: the loss falls over 15 steps on real digits', async () => {
    const { train } = await digits(15 * 16);
    const { mnistCnn } = await import('../../src/nn/models.js');
    const model = mnistCnn(2);
    const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const step = await compile({ x: { shape: [16, 1, 28, 28] }, y: { shape: [16], dtype: 'u32' } }, ({ x, y }) => {
      const l = softmaxCrossEntropy(model.forward(x!), y!);
      l.backward();
      opt.step();
      return { loss: l };
    });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let i = 0; i < 5; i++) {
        const feeds = { x: train.x.subarray(i * 16 * 784, (i + 1) * 16 * 784), y: train.y.subarray(i * 16, (i + 1) * 16) };
        losses.push((await step.run(feeds, { read: ['loss'] })).loss![0]!);
      }
    }
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(first * 0.7);
    step.dispose();
  });
});
