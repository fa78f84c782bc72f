// The reproduction's protocol (spec §11): grids for K-BFGS and K-FAC, the first-order
// baselines, K-BFGS(L) and the double-damping ablation at the best K-BFGS setting, and every
// method's best setting rerun on more seeds.
import type { Dataset } from '../../data/batches.js';
import { fail } from '../../device/errors.js';
import type { ProgressFn } from '../experiment.js';
import type { MethodKind, MethodSetting } from './methods.js';
import { finalLoss, trainRun, type RunResult } from './train.js';

export interface KbfgsConfig {
  /** Autoencoder widths, input first and last (784, or 784 / pool² with pooling). */
  widths: number[];
  /** Average-pool the 28×28 digits by this factor first (1: full size; 2: 14×14 for CI). */
  pool: number;
  /** Training examples used (the first of the fixed split); a multiple of batchSize. */
  trainSize: number;
  batchSize: number;
  epochs: number;
  /** The grid search runs on the first seed; the best settings are rerun on the others. */
  seeds: number[];
  /** (α, λ) pairs for K-BFGS and K-FAC. */
  kbfgsGrid: [number, number][];
  kfacGrid: [number, number][];
  adamLrs: number[];
  sgdLrs: number[];
  /** The authors' Adam / RMSprop variants (not in the spec's small grid; empty to skip). */
  authorsAdamLrs: number[];
  authorsRmspropLrs: number[];
  lbfgsMemory: number;
}

export interface KbfgsResult {
  config: KbfgsConfig;
  /** Every run, grid and reruns, in the order they ran. */
  runs: RunResult[];
  /** The best setting of each method on the first seed (null: every setting diverged). */
  best: Partial<Record<MethodKind, MethodSetting | null>>;
}

/** The run with the lowest final loss (diverged runs never win). */
export function bestOf(runs: readonly RunResult[]): RunResult | null {
  const ok = runs.filter((r) => Number.isFinite(finalLoss(r)));
  return ok.length ? ok.reduce((a, b) => (finalLoss(b) < finalLoss(a) ? b : a)) : null;
}

export function checkConfig(c: KbfgsConfig, train: Dataset): void {
  if (c.trainSize > train.n) fail(`kbfgs: trainSize ${c.trainSize} exceeds the ${train.n} training digits`);
  if (c.trainSize % c.batchSize !== 0) fail(`kbfgs: trainSize ${c.trainSize} must be a multiple of batchSize ${c.batchSize} (equal batches keep the loss an exact mean)`);
  if (!c.seeds.length) fail('kbfgs: give at least one seed');
  if (c.widths[0] !== train.x.length / train.n) fail(`kbfgs: widths must start with the ${train.x.length / train.n} pixels of a digit`);
}

export async function runProtocol(config: KbfgsConfig, train: Dataset, progress?: ProgressFn): Promise<KbfgsResult> {
  checkConfig(config, train);
  const grids: [MethodKind, MethodSetting[]][] = [
    ['kbfgs', config.kbfgsGrid.map(([lr, damping]) => ({ kind: 'kbfgs', lr, damping }))],
    ['kfac', config.kfacGrid.map(([lr, damping]) => ({ kind: 'kfac', lr, damping }))],
    ['adam', config.adamLrs.map((lr) => ({ kind: 'adam', lr }))],
    ['sgdm', config.sgdLrs.map((lr) => ({ kind: 'sgdm', lr }))],
    ['adam-authors', config.authorsAdamLrs.map((lr) => ({ kind: 'adam-authors', lr }))],
    ['rmsprop-authors', config.authorsRmspropLrs.map((lr) => ({ kind: 'rmsprop-authors', lr }))],
  ];
  const [seed0, ...more] = config.seeds;
  // K-BFGS(L) and the ablation run at the best K-BFGS setting; every best is rerun per extra seed.
  const extra = config.kbfgsGrid.length ? 2 : 0;
  const methods = grids.filter(([, g]) => g.length).length + extra;
  const total = grids.reduce((n, [, g]) => n + g.length, 0) + extra + methods * more.length;
  let done = 0;
  const runs: RunResult[] = [];
  const run = async (setting: MethodSetting, seed: number) => {
    const label = `${setting.kind} ${setting.lr}${setting.damping !== undefined ? `/${setting.damping}` : ''} seed ${seed}`;
    const r = await trainRun({ setting, seed, widths: config.widths, batchSize: config.batchSize, epochs: config.epochs, lbfgsMemory: config.lbfgsMemory }, train, (epoch) =>
      progress?.({ label: `${label}, epoch ${epoch}/${config.epochs}`, done, total }),
    );
    runs.push(r);
    progress?.({ label, done: ++done, total });
    return r;
  };
  const best: KbfgsResult['best'] = {};
  for (const [kind, grid] of grids) {
    if (!grid.length) continue;
    const results: RunResult[] = [];
    for (const s of grid) results.push(await run(s, seed0!));
    best[kind] = bestOf(results)?.setting ?? null;
  }
  const kb = best.kbfgs;
  if (kb) {
    best['kbfgs-l'] = (await run({ ...kb, kind: 'kbfgs-l' }, seed0!)).setting;
    best['kbfgs-nodd'] = (await run({ ...kb, kind: 'kbfgs-nodd' }, seed0!)).setting;
  }
  for (const seed of more) {
    for (const setting of Object.values(best)) if (setting) await run(setting, seed);
  }
  return { config, runs, best };
}
