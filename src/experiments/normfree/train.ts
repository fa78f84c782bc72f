// One training run of the spec's §7 protocol: SGD with momentum 0.9, weight decay 1e-4 on the
// weight matrices, a one-epoch linear warm-up then cosine decay, batch 128, compiled steps. A
// non-finite loss ends the run and is recorded (PLAIN's expected outcome), not thrown.
import type { TrainTest } from '../../data/batches.js';
import { ClassifierTrainer, DivergedError, type EpochRecord } from '../../nn/trainer.js';
import { ResidualMlp, type Variant } from './model.js';
import { MatrixDecaySGD, warmupCosine } from './sgd.js';

export interface NormfreeRun {
  variant: Variant;
  depth: number;
  width: number;
  seed: number;
  /** Peak learning rate. */
  lr: number;
  epochs: number;
  batchSize: number;
}

export interface NormfreeRunResult extends NormfreeRun {
  epochRecords: EpochRecord[];
  /** Test accuracy after the last epoch; NaN when the loss became non-finite. */
  testAccuracy: number;
  /** Where the loss first became non-finite (1-based epoch, step within it), or null. */
  diverged: { epoch: number; step: number } | null;
  /** The branch multipliers m_k after training (1 where the variant does not learn them). */
  multipliers: number[];
  seconds: number;
}

export const MOMENTUM = 0.9;
export const WEIGHT_DECAY = 1e-4;

export async function trainNormfree(run: NormfreeRun, data: TrainTest, onStep?: (done: number, total: number) => void): Promise<NormfreeRunResult> {
  const started = performance.now();
  const net = new ResidualMlp(run.variant, run.depth, run.width, data.train.x.length / data.train.n, data.train.classes, run.seed);
  const perEpoch = Math.floor(data.train.n / run.batchSize);
  const total = perEpoch * run.epochs;
  const lrAt = (step: number) => warmupCosine(step, perEpoch, total, run.lr);
  const optimizer = new MatrixDecaySGD(net.parameters(), { lr: lrAt(0), momentum: MOMENTUM, weightDecay: WEIGHT_DECAY });
  const trainer = new ClassifierTrainer(net, optimizer);
  let step = 0;
  let diverged: NormfreeRunResult['diverged'] = null;
  let epochRecords: EpochRecord[] = [];
  try {
    const fit = await trainer.fit(data.train, data.test, {
      epochs: run.epochs,
      batchSize: run.batchSize,
      seed: run.seed,
      onStep: () => {
        optimizer.lr = lrAt(++step);
        onStep?.(step, total);
      },
      onEpoch: (r) => epochRecords.push(r),
    });
    epochRecords = fit.epochs;
  } catch (e) {
    // The trainer stops on a non-finite loss; for this experiment that is a result.
    if (!(e instanceof DivergedError)) throw e;
    diverged = { epoch: Math.floor(step / perEpoch) + 1, step: (step % perEpoch) + 1 };
  }
  try {
    return {
      ...run,
      epochRecords,
      testAccuracy: diverged ? NaN : epochRecords.at(-1)!.testAccuracy,
      diverged,
      multipliers: await net.multipliers(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
    optimizer.dispose();
    net.dispose();
  }
}
