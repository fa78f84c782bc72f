// Leak check: GPU buffers alive on each engine's device after many MLP SGD steps, counted by
// the same createBuffer/destroy wrappers for both. Counts are whole-device, so they include
// what each engine's pools kept from earlier cases; `before` is the count before the model.
import { buffersAlive } from '../instrument.js';
import { row, type Row } from '../row.js';
import { randomBatch, type TrainSpec } from '../workload.js';
import type { CaseContext } from './context.js';

export async function buffersCase(ctx: CaseContext): Promise<Row[]> {
  const spec: TrainSpec = { model: 'mlp', optimizer: 'sgd', batch: ctx.opts.batch };
  const batch = randomBatch(spec.model, spec.batch, 3);
  const total = ctx.opts.steps;
  const checkpoints = new Set([1, 10, 100, total].filter((s) => s <= total));
  const values: Row['values'] = {};
  const detail: NonNullable<Row['detail']> = {};
  for (const engine of Object.values(ctx.engines)) {
    const before = buffersAlive(engine.device);
    const trainer = await engine.trainer(spec, batch);
    const series: Record<string, number> = {};
    const started = performance.now();
    try {
      for (let s = 1; s <= total; s++) {
        await trainer.step();
        if (checkpoints.has(s)) series[`step${s}`] = buffersAlive(engine.device);
      }
      values[engine.name] = series[`step${total}`]!;
      detail[engine.name] = { before, ...series, ...engine.memory(), seconds: (performance.now() - started) / 1000 };
      ctx.log(`buffers ${engine.name}: before ${before}, ${JSON.stringify(series)} (engine's own count: ${JSON.stringify(engine.memory())})`);
    } finally {
      trainer.dispose();
    }
  }
  return [row(`buffers-after-${total}`, `GPU buffers alive after ${total} MLP SGD steps`, 'count', values, detail)];
}
