// The FP8 training reproduction as an Experiment: parts A (accumulation error) and B (swamping)
// need no data; part C trains on MNIST digits from the loader the caller passes in, so browser
// pages can pass theirs (index.ts gives the Node one).
import { subset, type Dataset, type TrainTest } from '../../data/batches.js';
import type { Experiment, ProgressFn } from '../experiment.js';
import { accumulationErrors } from './accumulation.js';
import { DEFAULT_CONFIG, QUICK_CONFIG, type Fp8Config, type Fp8Result } from './config.js';
import { trainMnist, type MnistRun } from './mnist.js';
import { report } from './report.js';
import { swamping } from './swamping.js';

/** The MNIST runs of §8 C in order: per seed FP32 / paper at the high lr, FP32 / paper / RNE update at the low lr; then the ablations on their seeds. */
export function mnistRuns(c: Fp8Config['mnist']): MnistRun[] {
  const base = { batchSize: c.batchSize, hidden: c.hidden };
  const runs: MnistRun[] = [];
  for (const seed of c.seeds) {
    for (const variant of ['fp32', 'paper'] as const) runs.push({ ...base, ...c.high, variant, seed });
    for (const variant of ['fp32', 'paper', 'rne-update'] as const) runs.push({ ...base, ...c.low, variant, seed });
  }
  for (const seed of c.ablationSeeds) {
    for (const variant of c.ablations) {
      const batchSize = variant === 'no-chunking' ? c.noChunkingBatch : c.batchSize;
      runs.push({ ...base, ...c.high, batchSize, variant, seed });
    }
  }
  return runs;
}

function firstExamples(ds: Dataset, n: number | null): Dataset {
  return n === null || n >= ds.n ? ds : subset(ds, Array.from({ length: n }, (_, i) => i), `first ${n} examples`);
}

async function runFp8(loadDigits: () => Promise<TrainTest>, config: Fp8Config, progress?: ProgressFn): Promise<Fp8Result> {
  const runs = mnistRuns(config.mnist);
  const total = 2 + runs.reduce((s, r) => s + r.epochs, 0);
  let done = 0;
  const tick = (label: string) => progress?.({ label, done: ++done, total });
  progress?.({ label: 'A: accumulation error vs N', done, total });
  const accumulation = await accumulationErrors(config.accumulation.sizes, config.accumulation.seeds);
  tick('B: swamping of small updates');
  const { elements, steps, seed } = config.swamping;
  const swampingResults = [await swamping('rne', elements, steps, seed), await swamping('sr', elements, steps, seed)];
  tick('C: MNIST');
  const mnist = [];
  // Parts A and B alone need no digits, so a config without MNIST runs never loads them.
  if (runs.length) {
    const all = await loadDigits();
    const data: TrainTest = { train: firstExamples(all.train, config.mnist.trainExamples), test: firstExamples(all.test, config.mnist.testExamples) };
    for (const r of runs) {
      mnist.push(await trainMnist(r, data, (e) => tick(`C: ${r.variant}, lr ${r.lr}, seed ${r.seed}, epoch ${e.epoch}/${r.epochs}`)));
    }
  }
  return { accumulation, swamping: swampingResults, mnist };
}

export function fp8Experiment(loadDigits: () => Promise<TrainTest>): Experiment<Fp8Config, Fp8Result> {
  return {
    name: 'fp8',
    title: 'FP8 training with chunked FP16 accumulation and stochastic rounding',
    paper: 'Wang et al. 2018, Training Deep Neural Networks with 8-bit Floating Point Numbers (NeurIPS)',
    quickConfig: QUICK_CONFIG,
    defaultConfig: DEFAULT_CONFIG,
    run: (config, progress) => runFp8(loadDigits, config, progress),
    report,
  };
}
