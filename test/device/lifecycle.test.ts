// Device loss and shutdown: a lost device always surfaces as DeviceLostError (never an empty
// DOMException or an unhandled rejection), and whatever was made before shutdown() or a loss
// says so when used, instead of reading zeros or raising Dawn's validation errors.
import { describe, expect, it } from 'vitest';
import { subset } from '../../src/data/batches.js';
import { loadMnist } from '../../src/node/mnist.js';
import { DeviceLostError, GradwgslError } from '../../src/device/errors.js';
import { compile } from '../../src/graph/compile.js';
import { init, shutdown } from '../../src/graph/runtime.js';
import { add } from '../../src/kernels/elementwise/binary.js';
import { tanh } from '../../src/kernels/elementwise/unary.js';
import { sum } from '../../src/kernels/reduce/reduce.js';
import { mnistMlp } from '../../src/nn/models.js';
import { ClassifierTrainer } from '../../src/nn/trainer.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { randomArray } from '../setup.js';

const x = randomArray(65 * 33, 1);

async function smallStep() {
  return compile({ x: { shape: [65, 33] } }, ({ x: input }) => ({ y: sum(tanh(input!), 1), z: sum(input!, 0) }));
}

async function ordinaryOpWorks() {
  expect(Array.from(await add(tensor([1, 2], [2]), tensor([3, 4], [2])).data())).toEqual([4, 6]);
}

describe('device loss', () => {
  it('a device destroyed during a compiled step rejects it with DeviceLostError, then every later run', async () => {
    const rt = await init();
    const step = await smallStep();
    await step.run({ x }, { read: ['y', 'z'] });
    const running = step.run({ x }, { read: ['y', 'z'] });
    rt.gpu.device.destroy();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceLostError);
    expect(String(err)).toMatch(/WebGPU device lost \(destroyed\).*Call init\(\) again/);
    await expect(step.run({ x }, { read: ['y'] })).rejects.toThrow(DeviceLostError);
    await expect(step.run({ x })).rejects.toThrow(DeviceLostError);
  });

  it('a device destroyed during an eager read rejects the read with DeviceLostError', async () => {
    const rt = await init();
    const reading = add(tensor([1, 2], [2]), tensor([3, 4], [2])).data();
    rt.gpu.device.destroy();
    await expect(reading).rejects.toThrow(DeviceLostError);
  });

  it('ClassifierTrainer.fit rejects with DeviceLostError when the device is lost mid-epoch', async () => {
    const rt = await init();
    const { train } = await loadMnist();
    const data = subset(train, Array.from({ length: 256 }, (_, i) => i));
    const model = mnistMlp(1, 16);
    const trainer = new ClassifierTrainer(model, new SGD(model.parameters(), { lr: 0.1 }));
    const fitting = trainer.fit(data, data, {
      epochs: 1,
      batchSize: 32,
      seed: 1,
      onStep: ({ batch }) => batch === 2 && rt.gpu.device.destroy(),
    });
    await expect(fitting).rejects.toThrow(DeviceLostError);
  });

  it('after a loss, init() gives a working device and the old tensors say where they came from', async () => {
    const rt = await init();
    const old = tensor([1, 2], [2]);
    rt.gpu.device.destroy();
    await expect(old.data()).rejects.toThrow(DeviceLostError);
    const fresh = await init();
    expect(fresh).not.toBe(rt);
    await ordinaryOpWorks();
    await expect(old.data()).rejects.toThrow(/belongs to a runtime that was shut down \(shutdown\(\), or its device was lost\)/);
  });
});

describe('shutdown and dispose', () => {
  it('a disposed compiled step says so', async () => {
    await init();
    const step = await smallStep();
    step.dispose();
    await expect(step.run({ x }, { read: ['y'] })).rejects.toThrow(/compiled step: it was disposed; compile the step again/);
    await expect(step.read('y')).rejects.toThrow(/it was disposed/);
    await ordinaryOpWorks(); // no stale validation error
  });

  it('tensors and compiled steps from before shutdown() throw a GradwgslError that says so, also after init()', async () => {
    await init();
    const step = await smallStep();
    const old = tensor([5, 6], [2]);
    await shutdown();
    await expect(step.run({ x }, { read: ['y'] })).rejects.toThrow(/compiled step: its runtime was shut down \(shutdown\(\)\); call init\(\) and compile the step again/);
    await expect(old.data()).rejects.toThrow(/gradwgsl was shut down: call `await init\(\)`/);
    await init();
    const err = await old.data().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradwgslError);
    expect(String(err)).toMatch(/read: Tensor#\d+\(leaf f32\[2\]\) belongs to a runtime that was shut down.*create it again after init\(\)/);
    expect(() => add(old, tensor([1, 1], [2]))).toThrow(/binary: Tensor#\d+\(leaf f32\[2\]\) belongs to a runtime that was shut down/);
    await expect(compile({ a: { shape: [2] } }, ({ a }) => ({ b: add(a!, old) }))).rejects.toThrow(/compile: .* belongs to a runtime that was shut down/);
    await expect(step.run({ x }, { read: ['y'] })).rejects.toThrow(/its runtime was shut down/);
    await ordinaryOpWorks();
    await shutdown();
  });
});
