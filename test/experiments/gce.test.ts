import { beforeAll, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { noisySplit } from '../../src/experiments/gce/data.js';
import { trainGce, type GceLoss } from '../../src/experiments/gce/train.js';
import { gpu } from '../setup.js';
beforeAll(async () => { const rt = await gpu(); rt.poison = false; });
it('probe', async () => {
  const d = await loadMnist();
  const cfgs = JSON.parse(process.env.PROBE!);
  for (const c of cfgs) {
    const split = noisySplit(d, 'mnist', c.sizes, c.noise, c.seed ?? 1);
    for (const loss of c.losses as GceLoss[]) {
      const r = await trainGce(loss, split, { hidden: c.hidden, epochs: c.epochs, batchSize: c.batch, lr: c.lr ?? 0.1, momentum: 0.9, weightDecay: 1e-4, lrDecayEpochs: c.decay, q: 0.7, k: 0.5, pruneStart: c.pruneStart ?? 1000, pruneEvery: c.pruneEvery ?? 5 }, c.seed ?? 1);
      console.log(JSON.stringify({ loss, noise: c.noise, t: r.seconds.toFixed(1), final: r.finalTest, peak: r.peakTest, sel: r.selectedTest, prunes: r.prunes, curve: r.epochs.map((e) => Math.round(e.testAccuracy * 1000) / 10).join(' ') }));
    }
  }
}, 3_600_000);
