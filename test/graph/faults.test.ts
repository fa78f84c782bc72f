// Faults kernels raise on the GPU come back with the values a step reads anyway: a label out of
// range throws LabelRangeError and leaves the parameters unpoisoned; with checkFinite, a
// non-finite loss or update throws NonFiniteError naming the op.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/batches.js';
import { LabelRangeError, NonFiniteError } from '../../src/device/errors.js';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { matmul } from '../../src/kernels/gemm/matmul.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { mnistMlp } from '../../src/nn/models.js';
import { ClassifierTrainer, DivergedError } from '../../src/nn/trainer.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';
import { linearStep as linearClassifier } from './linear-step.js';

beforeAll(gpu);
afterEach(() => {
  runtime().checkFinite = false;
});

const [B, D, C] = [6, 5, 4];

const linearStep = (init: Float32Array) => linearClassifier(init, [B, D, C], 0.5);

describe('label faults', () => {
  it('a compiled step with a label out of range throws LabelRangeError, and the bad row moves no weight', async () => {
    const init = randomArray(D * C, 1);
    const x = randomArray(B * D, 2);
    const y = Uint32Array.from([0, 1, 2, 3, 0, 1]);
    const bad = Uint32Array.from(y);
    bad[0] = C;

    const faulty = await linearStep(init);
    const err = await faulty.step.run({ x, y: bad }, { read: ['loss'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabelRangeError);
    expect(String(err)).toMatch(/softmaxCrossEntropy\(f32\[6,4\], u32\[6\]\) via kernel loss\/cross-entropy-total: label 4 is outside \[0, 4\)/);
    expect(String(err)).toMatch(/fix the labels/);
    // The same update as a batch whose row 0 contributes nothing (its input is zero).
    const reference = await linearStep(init);
    const x0 = Float32Array.from(x);
    x0.fill(0, 0, D);
    await reference.step.run({ x: x0, y }, { read: ['loss'] });
    const [wBad, wRef] = [await faulty.w.data(), await reference.w.data()];
    expect(wBad.every(Number.isFinite)).toBe(true);
    expect([...wBad]).toEqual([...wRef].map((v) => expect.closeTo(v, 6)));
    // Training goes on from unpoisoned weights.
    const next = await faulty.step.run({ x, y }, { read: ['loss'] });
    expect(Number.isFinite(next.loss![0])).toBe(true);
    faulty.step.dispose();
    reference.step.dispose();
  });

  it('a fault in a run that reads nothing is reported by the next run that reads', async () => {
    const bad = Uint32Array.from([0, 1, 2, 3, 0, 9]);
    const { step } = await linearStep(randomArray(D * C, 3));
    await step.run({ x: randomArray(B * D, 4), y: bad });
    await expect(step.run({ x: randomArray(B * D, 4), y: new Uint32Array(B) }, { read: ['loss'] })).rejects.toThrow(/label 9 is outside \[0, 4\)/);
    await expect(step.run({ x: randomArray(B * D, 4), y: new Uint32Array(B) }, { read: ['loss'] })).resolves.toBeDefined();
    step.dispose();
  });

  it('ClassifierTrainer.fit refuses labels beyond the model outputs before it trains (the GPU check is the last line)', async () => {
    const n = 64;
    const labels = Uint32Array.from({ length: n }, (_, i) => i % 11); // 11 classes for a 10-output model
    const data = makeDataset(randomArray(n * 784, 5, 0, 1), labels, [1, 28, 28], 11, 'eleven classes');
    const model = mnistMlp(1, 16);
    const before = await Promise.all(model.parameters().map((p) => p.data()));
    const trainer = new ClassifierTrainer(model, new SGD(model.parameters(), { lr: 0.1 }));
    await expect(trainer.fit(data, data, { epochs: 1, batchSize: 32, seed: 1 })).rejects.toThrow(/10 logits per example but the data set has 11 classes/);
    const after = await Promise.all(model.parameters().map((p) => p.data()));
    expect(after.map((a) => [...a])).toEqual(before.map((b) => [...b]));
    trainer.dispose();
  });
});

describe('non-finite faults (checkFinite)', () => {
  it('names the optimizer update that wrote infinity while the loss stayed finite', async () => {
    // One feature of 3e38: the logits (±3e36) and the loss (6e36) stay finite, the gradient of
    // w is ±3e38, and w − 10·3e38 overflows.
    const overflowingStep = async () => {
      const w = tensor([0.01, -0.01], [1, 2]).trainable();
      const opt = new SGD([w], { lr: 10 });
      return compile({ x: { shape: [1, 1] }, y: { shape: [1], dtype: 'u32' } }, ({ x, y }) => {
        const loss = softmaxCrossEntropy(matmul(x!, w), y!);
        loss.backward();
        opt.step();
        return { loss };
      });
    };
    const feeds = { x: Float32Array.from([3e38]), y: Uint32Array.from([1]) };
    const unchecked = await overflowingStep();
    const out = await unchecked.run(feeds, { read: ['loss'] }); // off by default: divergence is a result
    expect(Number.isFinite(out.loss![0])).toBe(true);
    unchecked.dispose();
    runtime().checkFinite = true;
    const checked = await overflowingStep();
    const err = await checked.run(feeds, { read: ['loss'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    // SGD updates its parameter group's flat buffer (the one parameter padded to 64 floats).
    expect(String(err)).toMatch(/optimizerUpdate\(f32\[64\], .*\) via kernel optim\/sgd: a parameter update wrote NaN or infinity/);
    checked.dispose();
  });

  it('names the loss that became NaN, from a compiled step and from an eager read', async () => {
    runtime().checkFinite = true;
    const x = randomArray(B * C, 6);
    x[3] = NaN;
    const step = await compile({ x: { shape: [B, C] }, y: { shape: [B], dtype: 'u32' } }, ({ x: logits, y }) => ({ loss: softmaxCrossEntropy(logits!, y!) }));
    await expect(step.run({ x, y: new Uint32Array(B) }, { read: ['loss'] })).rejects.toThrow(/softmaxCrossEntropy\(f32\[6,4\], u32\[6\]\) via kernel loss\/cross-entropy-total: the loss became NaN or infinite/);
    step.dispose();
    const eager = softmaxCrossEntropy(tensor(x, [B, C]), tensor(new Uint32Array(B), [B], 'u32'), 'sum');
    await expect(eager.data()).rejects.toThrow(NonFiniteError);
  });

  it('ClassifierTrainer.fit turns the guard on: an update to infinity stops the run at that step with DivergedError naming it', async () => {
    // Inputs of 3e38 keep the first loss finite while SGD at lr 10 overflows the first layer.
    const n = 32;
    const data = makeDataset(new Float32Array(n * 784).fill(3e38), Uint32Array.from({ length: n }, (_, i) => i % 10), [1, 28, 28], 10, 'huge pixels');
    const model = mnistMlp(1, 16);
    const trainer = new ClassifierTrainer(model, new SGD(model.parameters(), { lr: 10 }));
    const err = await trainer.fit(data, data, { epochs: 1, batchSize: 16, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergedError);
    expect(String(err)).toMatch(/NaN or infinit.* at epoch 1, step 1; lower the learning rate/);
    expect(runtime().checkFinite).toBe(false); // restored after the run
    trainer.dispose();
  });
});
