// Grids that outgrow one machine: an experiment whose work is a list of independent cells
// (Experiment.cells) runs one slice of them per machine, each writing a partial record, and the
// partial records join into the record the whole run would have written. The slicing and the
// checks of the join are here (no Node); the CLI reads and writes the files.
import type { AdapterSummary } from '../device/gpu.js';
import { fail } from '../device/errors.js';
import type { CellGrid, Experiment } from './experiment.js';
import type { Profile, RunSource, ShardOrigin } from './record.js';

/** Shard `index` of `count`, counted from 0 (as Kubernetes' JOB_COMPLETION_INDEX and `--array=0-(n-1)` in Slurm). */
export interface Shard {
  index: number;
  count: number;
}

/** One shard's cells: every count-th key from its index, so each shard gets a mix of methods and seeds. */
export function shardKeys(keys: readonly string[], { index, count }: Shard): string[] {
  return keys.filter((_, k) => k % count === index);
}

/** The record one shard writes: its cells' results, with what the join checks. */
export interface PartialRecord<Config = unknown> {
  /** Marks the file as one shard's part (a full record has no such key). */
  partial: true;
  experiment: string;
  paper: string;
  profile: Profile;
  config: Config;
  source: RunSource;
  device: AdapterSummary;
  /** Wall time of this shard's cells. */
  seconds: number;
  shard: Shard;
  /** Cells in the whole grid. */
  totalCells: number;
  cells: { key: string; result: unknown }[];
}

/** The experiment's cell grid, or a clear refusal for one that cannot be split. */
export function cellGridOf<Config, Result>(exp: Experiment<Config, Result>): CellGrid<Config, Result> {
  return exp.cells ?? fail(`${exp.name} is not a grid of independent runs, so it cannot be sharded; run it whole (gradwgsl reproduce ${exp.name})`);
}

/** A partial record as read from `file`, checked for the fields the join needs. */
export function asPartialRecord(file: string, value: unknown): PartialRecord {
  const r = value as Partial<PartialRecord> | null;
  if (r === null || typeof r !== 'object' || r.partial !== true || !Array.isArray(r.cells) || typeof r.experiment !== 'string' || !r.shard || !r.source) {
    const what = r && typeof r === 'object' && 'claims' in r ? 'a full record (result.json), not a shard\'s part' : 'not a partial record';
    fail(`${file} is ${what}: merge the shard-<i>-of-<n>.json files written by 'gradwgsl reproduce <paper> --shard i/n'`);
  }
  return r as PartialRecord;
}

/** The first top-level key where two configs differ ('' when equal). */
function firstDifference(a: unknown, b: unknown): string {
  const ao = (a ?? {}) as Record<string, unknown>;
  const bo = (b ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
  return keys.find((k) => JSON.stringify(ao[k]) !== JSON.stringify(bo[k])) ?? '';
}

export interface MergedShards<Config> {
  config: Config;
  profile: Profile;
  source: RunSource;
  /** Every cell's result, in the grid's order. */
  cells: unknown[];
  shards: ShardOrigin[];
  seconds: number;
}

/**
 * Joins the partial records (file name → record) of one run. Refuses records of another
 * experiment, profile, config, commit or shard count, and a grid with a cell missing, given
 * twice, or not in the config; each message names the files.
 */
export function mergeShards<Config, Result>(exp: Experiment<Config, Result>, parts: readonly { file: string; record: PartialRecord }[]): MergedShards<Config> {
  const first = parts[0] ?? fail('merge: give the partial record of every shard (the shard-<i>-of-<n>.json files)');
  const f = first.record;
  for (const { file, record: r } of parts) {
    if (r.experiment !== exp.name) fail(`${file} is a record of '${r.experiment}', not of '${exp.name}' (${first.file}); merge the shards of one run`);
    if (r.profile !== f.profile) fail(`${file} ran the ${r.profile} profile, ${first.file} the ${f.profile} one; merge the shards of one run`);
    const diff = firstDifference(r.config, f.config);
    if (diff) fail(`${file} has another config than ${first.file} (they differ at '${diff}'); merge the shards of one run`);
    if (r.source.commit !== f.source.commit) {
      fail(`${file} ran commit ${r.source.commit ?? 'unknown (no git checkout)'}, ${first.file} commit ${f.source.commit ?? 'unknown (no git checkout)'}; run every shard on the same source`);
    }
    if (r.shard.count !== f.shard.count) fail(`${file} is a shard of ${r.shard.count}, ${first.file} of ${f.shard.count}; merge the shards of one split`);
  }
  const config = f.config as Config;
  const keys = cellGridOf(exp).keys(config);
  const from = new Map<string, { file: string; result: unknown }>();
  for (const { file, record } of parts) {
    for (const { key, result } of record.cells) {
      if (!keys.includes(key)) fail(`${file} has cell '${key}', which is not in this config's grid; merge the shards of one run`);
      const seen = from.get(key);
      if (seen) fail(`cell '${key}' is in both ${seen.file} and ${file}; give each shard once`);
      from.set(key, { file, result });
    }
  }
  const missing = keys.filter((k) => !from.has(k));
  if (missing.length) {
    const given = new Set(parts.map((p) => p.record.shard.index));
    const absent = Array.from({ length: f.shard.count }, (_, i) => i).filter((i) => !given.has(i));
    fail(
      `${missing.length} of ${keys.length} cells are missing (e.g. '${missing[0]}')` +
        (absent.length ? `: shards ${absent.join(', ')} of ${f.shard.count} were not given` : ': a shard stopped before its last cell; run it again') +
        `; run them with 'gradwgsl reproduce ${exp.name} --shard i/${f.shard.count}' and merge every part`,
    );
  }
  const shards = parts.map(({ record: r }) => ({ index: r.shard.index, count: r.shard.count, device: r.device, seconds: r.seconds, source: r.source })).sort((a, b) => a.index - b.index);
  return {
    config,
    profile: f.profile,
    source: f.source,
    cells: keys.map((k) => from.get(k)!.result),
    shards,
    seconds: shards.reduce((s, x) => s + x.seconds, 0),
  };
}
