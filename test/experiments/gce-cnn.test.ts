// The GCE reproduction's conv net (convnet.ts): it trains through the same protocol as the MLP,
// and the pruning snapshot (copyState) carries batch norm's running statistics.
import { beforeAll, expect, it } from 'vitest';
import { experimentConvNet } from '../../src/experiments/gce/convnet.js';
import { copyState } from '../../src/experiments/gce/mlp.js';
import { experiment } from '../../src/experiments/gce/index.js';
import { compile } from '../../src/graph/compile.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

it('the conv net learns clean digits through the GCE protocol', async () => {
  const cfg = {
    ...experiment.quickConfig,
    sizes: { train: 500, val: 100, test: 300 },
    noises: [{ kind: 'none' as const, rate: 0 }],
    losses: ['cce' as const],
    train: { ...experiment.quickConfig.train, model: 'cnn' as const, channels: [8, 16], epochs: 3, lrDecayEpochs: [] },
  };
  const result = await experiment.run(cfg);
  const run = result.runs[0]!;
  // Chance is 10%; three epochs (30 steps) on 500 clean digits measured 83% (a version with
  // global average pooling stayed near chance).
  expect(run.finalTest).toBeGreaterThan(0.6);
  expect(run.epochs.every((e) => Number.isFinite(e.trainLoss))).toBe(true);
  expect(experiment.report(result).text).toContain('conv net 8-16');
}, 600_000);

it('copyState copies the running statistics, so the snapshot evaluates like the model', async () => {
  const [model, snapshot] = [experimentConvNet([1, 8, 8], [4, 8], 10, 1), experimentConvNet([1, 8, 8], [4, 8], 10, 2)];
  const x = tensor(randomArray(16 * 64, 3), [16, 1, 8, 8]);
  // Two training-mode passes move the running statistics away from their initial (0, 1).
  const step = await compile({}, () => ({ out: model.forward(x) }));
  await step.run({});
  await step.run({});
  step.dispose();
  await copyState(model, snapshot);
  model.eval();
  snapshot.eval();
  const [a, b] = await Promise.all([model.forward(x).data(), snapshot.forward(x).data()]);
  expect([...b]).toEqual([...a]);
  model.dispose();
  snapshot.dispose();
  x.dispose();
});
