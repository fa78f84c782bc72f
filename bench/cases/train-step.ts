// Training steps (forward, backward, optimizer update, loss read back) on one random batch:
// every (engine, optimizer) pair timed in the same alternating rounds, so that Adam against
// SGD and tfjs against gradwgsl are compared under the same machine load; then one more step
// of each counted call by call.
import { countCalls, type CallCounts } from '../instrument.js';
import { measureAll, type Timing } from '../measure.js';
import { row, type Row } from '../row.js';
import { ENGINE_NAMES, randomBatch, type EngineName, type ModelKind, type OptimizerKind, type Trainer } from '../workload.js';
import { perEngine, withAll, type CaseContext } from './context.js';

interface Measured {
  time: Timing;
  counts: CallCounts;
  firstLoss: number;
  lastLoss: number;
}

export async function trainStepCase(ctx: CaseContext, model: ModelKind, optimizers: readonly OptimizerKind[]): Promise<Row[]> {
  const batchSize = ctx.opts.batch;
  const batch = randomBatch(model, batchSize, 42);
  const pairs = optimizers.flatMap((optimizer) => ENGINE_NAMES.map((engine) => ({ engine, optimizer, key: `${engine} ${model}-${optimizer}` })));
  const build = Object.fromEntries(pairs.map((p) => [p.key, () => ctx.engines[p.engine].trainer({ model, optimizer: p.optimizer, batch: batchSize }, batch)]));
  const results = await withAll<string, Trainer, Record<string, Measured>>(build, async (trainers) => {
    const firstLoss: Record<string, number> = {};
    for (const [key, t] of Object.entries(trainers)) {
      firstLoss[key] = await t.step();
      if (!Number.isFinite(firstLoss[key])) throw new Error(`bench: ${key} step gave loss ${firstLoss[key]}`);
    }
    const steps = Object.fromEntries(Object.entries(trainers).map(([key, t]) => [key, () => t.step()]));
    const times = await measureAll(steps, 'step', ctx.opts.timing);
    const out: Record<string, Measured> = {};
    for (const [key, t] of Object.entries(trainers)) {
      const { counts, result } = await countCalls(() => t.step());
      out[key] = { time: times[key]!, counts, firstLoss: firstLoss[key]!, lastLoss: result };
    }
    return out;
  });
  const rows: Row[] = [];
  for (const optimizer of optimizers) {
    const get = (engine: EngineName) => results[`${engine} ${model}-${optimizer}`]!;
    for (const engine of ENGINE_NAMES) {
      const { time: t, counts: c, firstLoss, lastLoss } = get(engine);
      ctx.log(
        `${model}-${optimizer} ${engine}: ${t.medianMs.toFixed(1)} ms/step (±${t.rmePct.toFixed(0)}%), ${c.dispatches} dispatches, ` +
          `${c.submits} submits, ${c.pipelinesUsed} pipelines; loss ${firstLoss.toFixed(3)} → ${lastLoss.toFixed(3)}`,
      );
    }
    const id = `${model}-${optimizer}`;
    const what = `${model.toUpperCase()} ${optimizer === 'sgd' ? 'SGD' : 'Adam'} b${batchSize}`;
    rows.push(
      row(`${id}-step`, `${what} step (incl. loss readback)`, 'ms', perEngine((e) => get(e).time.medianMs),
        perEngine((e) => ({ ...get(e).time, firstLoss: get(e).firstLoss, lastLoss: get(e).lastLoss }))),
      row(`${id}-dispatches`, `${what} dispatches/step`, 'count', perEngine((e) => get(e).counts.dispatches), perEngine((e) => get(e).counts.perKernel)),
      row(`${id}-submits`, `${what} submits/step`, 'count', perEngine((e) => get(e).counts.submits)),
      row(`${id}-pipelines`, `${what} distinct pipelines/step`, 'count', perEngine((e) => get(e).counts.pipelinesUsed)),
    );
  }
  return rows;
}
