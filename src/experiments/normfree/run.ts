// The whole protocol on given data: the init signal-propagation probe for every variant and
// depth, then every training run. Takes the data as an argument so browser pages can pass
// their own copy of the digits.
import type { TrainTest } from '../../data/batches.js';
import { meanSquarePerStage } from '../../nn/probe.js';
import { tensor } from '../../tensor/create.js';
import type { ProgressFn } from '../experiment.js';
import type { NormfreeConfig, NormfreeResult, SignalCurve } from './config.js';
import { ResidualMlp, VARIANT_LABELS } from './model.js';
import { trainNormfree, type NormfreeRun, type NormfreeRunResult } from './train.js';

/** Every training run of the config, depth by depth; BN once per learning rate in bnLrs. */
export function normfreeRuns(c: NormfreeConfig): NormfreeRun[] {
  const runs: NormfreeRun[] = [];
  for (const depth of c.depths) {
    for (const variant of c.variants) {
      for (const lr of variant === 'bn' ? c.bnLrs : [c.lr]) {
        for (const seed of c.seeds) runs.push({ variant, depth, width: c.width, seed, lr, epochs: c.epochs, batchSize: c.batchSize });
      }
    }
  }
  return runs;
}

/** Mean squared activation after the stem and each block, at init, on the first training images (training mode). */
export async function signalCurves(c: NormfreeConfig, data: TrainTest, onCurve?: (curve: SignalCurve) => void): Promise<SignalCurve[]> {
  const n = Math.min(c.probeBatch, data.train.n);
  const size = data.train.x.length / data.train.n;
  const x = tensor(data.train.x.subarray(0, n * size), [n, size]);
  const curves: SignalCurve[] = [];
  try {
    for (const depth of c.depths) {
      for (const variant of c.variants) {
        // A model of its own: the probe's training-mode pass sets centering means.
        const net = new ResidualMlp(variant, depth, c.width, size, data.train.classes, c.seeds[0] ?? 0);
        try {
          const [stem, ...blocks] = await meanSquarePerStage([net.stem, ...net.blocks], x);
          curves.push({ variant, depth, stem: stem!, blocks });
          onCurve?.(curves.at(-1)!);
        } finally {
          net.dispose();
        }
      }
    }
  } finally {
    x.dispose();
  }
  return curves;
}

export async function runNormfree(c: NormfreeConfig, data: TrainTest, progress?: ProgressFn): Promise<NormfreeResult> {
  const started = performance.now();
  const runs = normfreeRuns(c);
  const stepsOf = (r: NormfreeRun) => Math.floor(data.train.n / r.batchSize) * r.epochs;
  const total = c.depths.length * c.variants.length + runs.reduce((s, r) => s + stepsOf(r), 0);
  let done = 0;
  const signal = await signalCurves(c, data, (s) => progress?.({ label: `init signal, ${VARIANT_LABELS[s.variant]} K=${s.depth}`, done: ++done, total }));
  const results: NormfreeRunResult[] = [];
  for (const r of runs) {
    const label = `${VARIANT_LABELS[r.variant]} K=${r.depth} lr ${r.lr} seed ${r.seed}`;
    const before = done;
    results.push(await trainNormfree(r, data, (step, steps) => progress?.({ label: `${label}, step ${step}/${steps}`, done: before + step, total })));
    done = before + stepsOf(r); // a diverged run ends early
  }
  return { config: c, signal, runs: results, seconds: (performance.now() - started) / 1000 };
}
