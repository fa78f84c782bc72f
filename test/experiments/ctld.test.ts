import { beforeAll, it } from 'vitest';
import { experiment } from '../../src/experiments/ctld/index.js';
import { gpu } from '../setup.js';
beforeAll(async () => { const rt = await gpu(); rt.poison = false; });
it('probe', async () => {
  const over = JSON.parse(process.env.PROBE ?? '{}');
  const cfg = { ...experiment.quickConfig, ...over, train: { ...experiment.quickConfig.train, ...(over.train ?? {}) } };
  const t = performance.now();
  const r = await experiment.run(cfg);
  console.log('seconds', (performance.now() - t) / 1000);
  console.log(experiment.report(r).text);
  for (const run of r.runs) console.log(run.method, run.seconds.toFixed(1), run.epochs.map((e) => (100 * e.testAccuracy).toFixed(1)).join(' '), run.phase1 ? JSON.stringify({ ...run.phase1, alphaTrace: run.phase1.alphaTrace.filter((_, i) => i % 10 === 0).map((a) => a.toFixed(2)).join(' '), binMeans: run.phase1.binMeans.map((b) => b.toFixed(0)).join(' ') }) : '');
}, 3_600_000);
