// A few training steps of a small classifier on one fixed batch, written as a user of the
// installed package writes them; the tarball test runs it in Node and, bundled, in Chromium.
import { Linear, SGD, Sequential, compile, init, softmaxCrossEntropy } from 'gradwgsl';

/** Trains for `steps` steps and returns the loss of each. */
export async function trainSteps(steps) {
  await init();
  const model = new Sequential(new Linear(16, 32, { activation: 'relu', seed: 1 }), new Linear(32, 4, { seed: 2 }));
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const step = await compile({ x: { shape: [64, 16] }, y: { shape: [64], dtype: 'u32' } }, ({ x, y }) => {
    const loss = softmaxCrossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return { loss };
  });
  const x = Float32Array.from({ length: 64 * 16 }, (_, i) => Math.sin(i * 1.7));
  const y = Uint32Array.from({ length: 64 }, (_, i) => i % 4);
  const losses = [];
  for (let s = 0; s < steps; s++) losses.push((await step.run({ x, y }, { read: ['loss'] })).loss[0]);
  return losses;
}
