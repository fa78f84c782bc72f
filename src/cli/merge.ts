// `gradwgsl merge <records…>`: joins the partial records that `reproduce <paper> --shard i/n`
// wrote on several machines into the record, report and plots the whole run would have written.
// Needs no GPU: the experiment's assemble() and report() are pure functions of the cells.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from 'gradwgsl';
import { asPartialRecord, cellGridOf, experimentRecord, mergeShards, paperExperiment, recordJson, type ExperimentRecord } from 'gradwgsl/experiments';
import { prepareOutputDir, saveOutputs } from './output-paths.js';
import { NODE_DATA } from './reproduce.js';
import { runSource } from './run-source.js';

export interface MergeOptions {
  out: string;
  json?: boolean;
}

function readRecord(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the shard-<i>-of-<n>.json files of every shard`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`${file} is not valid JSON (${(e as Error).message}); was the shard's run cut off while writing it?`);
  }
}

export async function merge(files: readonly string[], opts: MergeOptions): Promise<ExperimentRecord> {
  const parts = files.map((file) => ({ file, record: asPartialRecord(file, readRecord(file)) }));
  if (!parts.length) fail('merge: give the partial record of every shard (the shard-<i>-of-<n>.json files)');
  const exp = await paperExperiment(parts[0]!.record.experiment, NODE_DATA);
  const merged = mergeShards(exp, parts);
  const result = cellGridOf(exp).assemble(merged.config, merged.cells);
  const report = exp.report(result);
  const record = experimentRecord(exp, report, {
    profile: merged.profile,
    device: merged.shards[0]!.device,
    config: merged.config,
    seconds: merged.seconds,
    result,
    source: { ...runSource(), commit: merged.source.commit },
    shards: merged.shards,
  });
  const dir = join(opts.out, exp.name);
  prepareOutputDir('--out', dir);
  const outputs = { 'result.json': recordJson(record), ...report.plots };
  const saved = saveOutputs(dir, outputs);
  if (saved.failure) {
    console.error(`gradwgsl: merged, but ${saved.failure}; the result was saved to ${saved.dir} instead`);
    process.exitCode = 1;
  }
  if (opts.json) console.log(JSON.stringify(record));
  else {
    console.log(`${exp.title} — ${exp.paper} (merged from ${parts.length} shards)\n`);
    console.log(report.text);
    console.log(`\nwrote ${Object.keys(outputs).map((f) => join(saved.dir, f)).join(', ')}`);
  }
  return record;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description("join the partial records of a sharded grid ('reproduce <paper> --shard i/n') into its full record, report and plots")
    .argument('<records...>', 'the shard-<i>-of-<n>.json file of every shard')
    .option('--out <dir>', 'where the merged result goes (<dir>/<paper>/result.json and plots)', 'runs')
    .option('--json', 'print the JSON record')
    .action(async (records: string[], opts: MergeOptions) => {
      await merge(records, opts);
    });
}
