import { beforeAll, it } from 'vitest';
import { init } from '../../src/graph/runtime.js';
import { experiment } from '../../src/experiments/kbfgs/index.js';
import { QUICK_CONFIG } from '../../src/experiments/kbfgs/experiment.js';
beforeAll(async () => { await init(); });
it('explore', async () => {
  const cfg = JSON.parse(process.env.CFG ?? '{}');
  const t0 = performance.now();
  const r = await experiment.run({ ...QUICK_CONFIG, ...cfg }, (e) => { if (e.label.includes('epoch')) console.log(e.label, ((performance.now() - t0) / 1000).toFixed(1)); });
  console.log(experiment.report(r).text);
  for (const run of r.runs) console.log(run.label, run.seed, run.secondsPerIteration.toFixed(3), run.curve.map((p) => `${p.loss.toFixed(1)}@${p.seconds.toFixed(1)}`).join(' '), run.failure ?? '');
}, 1_800_000);
