// The reproduction's protocol (spec §11) as a grid of independent cells: every setting of the
// K-BFGS and K-FAC (α, λ) grids, the first-order rates and the studies (K-BFGS(L), K-BFGS without
// double damping, K-BFGS variant P, each at a setting the config names), on every seed. A
// method's best setting is chosen from the finished cells, so any slice of the cells can run on
// another machine (`reproduce --shard`) and the slices join into the same result (`merge`).
import type { Dataset } from '../../data/batches.js';
import { fail } from '../../device/errors.js';
import type { ProgressFn } from '../experiment.js';
import { settingLabel, type MethodKind, type MethodSetting } from './methods.js';
import { finalLoss, trainRun, type RunResult } from './train.js';

/** A run outside the grids, at a setting of its own (e.g. at the grid's best K-BFGS setting). */
export interface StudySetting extends MethodSetting {
  kind: 'kbfgs-l' | 'kbfgs-nodd' | 'kbfgs-p';
  damping: number;
}

export interface KbfgsConfig {
  /** Autoencoder widths, input first and last (784, or 784 / pool² with pooling). */
  widths: number[];
  /** Average-pool the 28×28 digits by this factor first (1: full size; 2: 14×14 for CI). */
  pool: number;
  /** Training examples used (the first of the fixed split); a multiple of batchSize. */
  trainSize: number;
  batchSize: number;
  epochs: number;
  /** Every grid setting and every study runs on each seed. */
  seeds: number[];
  /** (α, λ) pairs for K-BFGS and K-FAC. */
  kbfgsGrid: [number, number][];
  kfacGrid: [number, number][];
  adamLrs: number[];
  sgdLrs: number[];
  /** The authors' Adam / RMSprop variants (empty to skip). */
  authorsAdamLrs: number[];
  authorsRmspropLrs: number[];
  studies: StudySetting[];
}

export interface KbfgsResult {
  config: KbfgsConfig;
  /** Every run, in the order of cellKeys(config). */
  runs: RunResult[];
  /**
   * The best setting of each method that ran: the lowest mean final loss over the seeds, among
   * the settings that ran clean on every seed (null: each diverged somewhere).
   */
  best: Partial<Record<MethodKind, MethodSetting | null>>;
}

/** One cell of the grid: a setting on a seed. */
export interface Cell {
  setting: MethodSetting;
  seed: number;
}

/** The grid settings and the studies, in run order. */
export function settingsOf(c: KbfgsConfig): MethodSetting[] {
  const kron = (kind: MethodKind, grid: [number, number][]) => grid.map(([lr, damping]): MethodSetting => ({ kind, lr, damping }));
  const rates = (kind: MethodKind, lrs: number[]) => lrs.map((lr): MethodSetting => ({ kind, lr }));
  return [
    ...kron('kbfgs', c.kbfgsGrid),
    ...kron('kfac', c.kfacGrid),
    ...rates('adam', c.adamLrs),
    ...rates('sgdm', c.sgdLrs),
    ...rates('adam-authors', c.authorsAdamLrs),
    ...rates('rmsprop-authors', c.authorsRmspropLrs),
    ...c.studies,
  ];
}

export const cellKey = ({ setting, seed }: Cell) => `${settingLabel(setting)}, seed ${seed}`;

/** Every cell, seed by seed. */
export function cellsOf(c: KbfgsConfig): Cell[] {
  const settings = settingsOf(c);
  return c.seeds.flatMap((seed) => settings.map((setting) => ({ setting, seed })));
}

/** The runs of one setting, one per seed. */
export function runsOf(runs: readonly RunResult[], setting: MethodSetting): RunResult[] {
  const label = settingLabel(setting);
  return runs.filter((r) => settingLabel(r.setting) === label);
}

/** Per method, the setting with the lowest mean final loss over seeds, among those clean on every seed. */
export function bestSettings(c: KbfgsConfig, runs: readonly RunResult[]): KbfgsResult['best'] {
  const meanLoss = (setting: MethodSetting) => {
    const losses = runsOf(runs, setting).map(finalLoss);
    return losses.length === c.seeds.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Infinity;
  };
  const best: KbfgsResult['best'] = {};
  for (const setting of settingsOf(c)) {
    const current = best[setting.kind] ?? null;
    const mean = meanLoss(setting);
    best[setting.kind] = Number.isFinite(mean) && (current === null || mean < meanLoss(current)) ? setting : current;
  }
  return best;
}

export function checkConfig(c: KbfgsConfig, train: Dataset): void {
  if (c.trainSize > train.n) fail(`kbfgs: trainSize ${c.trainSize} exceeds the ${train.n} training digits`);
  if (c.trainSize % c.batchSize !== 0) fail(`kbfgs: trainSize ${c.trainSize} must be a multiple of batchSize ${c.batchSize} (equal batches keep the loss an exact mean)`);
  if (c.widths[0] !== train.x.length / train.n) fail(`kbfgs: widths must start with the ${train.x.length / train.n} pixels of a digit`);
  checkCells(c);
}

/** Seeds and settings: each given once (a cell is named by its setting and seed). */
export function checkCells(c: KbfgsConfig): void {
  if (!c.seeds.length) fail('kbfgs: give at least one seed');
  const seen = new Set<string>();
  for (const key of [...c.seeds.map((s) => `seed ${s}`), ...settingsOf(c).map(settingLabel)]) {
    if (seen.has(key)) fail(`kbfgs: ${key} is listed twice; give each seed and setting once`);
    seen.add(key);
  }
  for (const s of c.studies) if (s.kind === 'kbfgs-l' && s.memory === undefined) fail(`kbfgs: the study ${settingLabel(s)} needs its memory p ("memory")`);
}

/** Runs the cells named by `keys` (some of cellsOf(config), in that order). */
export async function runCells(config: KbfgsConfig, train: Dataset, keys: readonly string[], progress?: ProgressFn): Promise<RunResult[]> {
  checkConfig(config, train);
  const byKey = new Map(cellsOf(config).map((cell) => [cellKey(cell), cell]));
  const cells = keys.map((k) => byKey.get(k) ?? fail(`kbfgs: no cell '${k}' in this config`));
  const runs: RunResult[] = [];
  for (const [done, { setting, seed }] of cells.entries()) {
    const label = cellKey({ setting, seed });
    const spec = { setting, seed, widths: config.widths, batchSize: config.batchSize, epochs: config.epochs };
    runs.push(await trainRun(spec, train, (epoch) => progress?.({ label: `${label}, epoch ${epoch}/${config.epochs}`, done, total: cells.length })));
    progress?.({ label, done: done + 1, total: cells.length });
  }
  return runs;
}

/** The result from every cell's run, in cellsOf(config) order. */
export function assemble(config: KbfgsConfig, runs: readonly RunResult[]): KbfgsResult {
  return { config, runs: [...runs], best: bestSettings(config, runs) };
}

export async function runProtocol(config: KbfgsConfig, train: Dataset, progress?: ProgressFn): Promise<KbfgsResult> {
  return assemble(config, await runCells(config, train, cellsOf(config).map(cellKey), progress));
}
