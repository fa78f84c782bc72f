// The training path: compiled plan vs eager, constant memory, resumable checkpoints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { subset } from '../../src/data/batches.js';
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
    expect(second.resumedFrom).toEqual({ epoch: 1, batch: 3 });
    expect([...first.losses, ...second.losses]).toEqual(straight.losses);
    expect(second.epochs.at(-1)!.testAccuracy).toBe(straight.epochs.at(-1)!.testAccuracy);
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
