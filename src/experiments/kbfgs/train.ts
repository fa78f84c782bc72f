// One training run of the reproduction: a fresh autoencoder for the seed, the method's warm
// start, then epochs of minibatch steps, with the full-training-set loss after every epoch.
import { batches, type Dataset } from '../../data/batches.js';
import { GradwgslError } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { AUTHORS_DEFAULTS } from '../../optim/second-order/method.js';
import { Autoencoder, TrainingLoss } from './autoencoder.js';
import { createMethod, settingLabel, type MethodSetting } from './methods.js';

export interface RunSpec {
  setting: MethodSetting;
  widths: readonly number[];
  batchSize: number;
  epochs: number;
  seed: number;
}

export interface EpochPoint {
  epoch: number;
  /** Full-training-set loss (+ 0.5·τ·‖θ‖²) after this epoch; epoch 0 is the initial model. */
  loss: number;
  /** Training wall time so far (warm start included, evaluation excluded). */
  seconds: number;
}

export interface RunResult {
  label: string;
  setting: MethodSetting;
  seed: number;
  curve: EpochPoint[];
  /** NaN or inf loss, or a factor that stopped being positive definite. */
  diverged: boolean;
  /** Why the run stopped early, if it did. */
  failure: string | null;
  /**
   * Training seconds per iteration in the steady state: over the epochs after the first when
   * there are several (the first also pays for the driver's first runs of every pipeline),
   * warm start excluded.
   */
  secondsPerIteration: number;
  diagnostics: Record<string, number>;
}

/** Seconds per iteration over the completed epochs, leaving out the first when there are others. */
function steadyPerIteration(epochs: readonly [number, number][]): number {
  const steady = epochs.length > 1 ? epochs.slice(1) : epochs;
  const [secs, its] = steady.reduce(([s, n], [ds, dn]) => [s + ds, n + dn], [0, 0]);
  return its ? secs / its : NaN;
}

/** The loss a run ended with (Infinity if it diverged). */
export function finalLoss(r: RunResult): number {
  const last = r.curve.at(-1)!.loss;
  return r.diverged || !Number.isFinite(last) ? Infinity : last;
}

export async function trainRun(spec: RunSpec, train: Dataset, onEpoch?: (epoch: number) => void): Promise<RunResult> {
  const rt = runtime();
  const model = new Autoencoder(spec.widths, spec.batchSize, spec.seed);
  const evaluator = await TrainingLoss.create(model, AUTHORS_DEFAULTS.weightDecay);
  const method = await createMethod(spec.setting, model);
  const fixedOrder = () => [...batches(train, { batchSize: spec.batchSize, shuffle: false })].map((b) => b.x);
  const evalBatches = fixedOrder();
  const curve: EpochPoint[] = [{ epoch: 0, loss: await evaluator.evaluate(evalBatches), seconds: 0 }];
  let seconds = 0;
  /** Seconds and iterations of each completed epoch. */
  const epochs: [number, number][] = [];
  let failure: string | null = null;
  try {
    let t0 = performance.now();
    await method.warmStart(evalBatches.map((x) => ({ x })), evalBatches.length);
    await rt.sync();
    seconds += (performance.now() - t0) / 1000;
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      t0 = performance.now();
      let iterations = 0;
      for (const b of batches(train, { batchSize: spec.batchSize, seed: spec.seed, epoch })) {
        await method.step({ x: b.x });
        iterations++;
      }
      await rt.sync();
      const dt = (performance.now() - t0) / 1000;
      seconds += dt;
      epochs.push([dt, iterations]);
      const loss = await evaluator.evaluate(evalBatches);
      curve.push({ epoch, loss, seconds });
      onEpoch?.(epoch);
      if (!Number.isFinite(loss)) break;
    }
  } catch (e) {
    // A factor that is no longer SPD means the run diverged; anything else is a bug.
    if (!(e instanceof GradwgslError) || !/not positive definite/.test(e.message)) throw e;
    failure = e.message;
  }
  const diagnostics = await method.diagnostics();
  method.dispose();
  evaluator.dispose();
  model.dispose();
  const diverged = failure !== null || curve.some((p) => !Number.isFinite(p.loss));
  return {
    label: settingLabel(spec.setting),
    setting: spec.setting,
    seed: spec.seed,
    curve,
    diverged,
    failure,
    secondsPerIteration: steadyPerIteration(epochs),
    diagnostics,
  };
}
