// The JSON record of one experiment run (runs/<paper>/result.json): the same shape whether the
// CLI (`gradwgsl reproduce`) or a demo page ran it, so results compare and load alike.
import type { AdapterSummary } from '../device/gpu.js';
import type { ClaimRow, Experiment, ExperimentReport } from './experiment.js';

export type Profile = 'quick' | 'default';

/** Where a record came from: the source's git commit (null outside a checkout), the command and when it ran. */
export interface RunSource {
  commit: string | null;
  command: string;
  /** ISO 8601, UTC. */
  date: string;
}

/** One shard of a merged record: which slice it ran, where, and for how long. */
export interface ShardOrigin {
  index: number;
  count: number;
  device: AdapterSummary;
  seconds: number;
  source: RunSource;
}

export interface ExperimentRecord<Config = unknown, Result = unknown> {
  experiment: string;
  paper: string;
  profile: Profile;
  device: AdapterSummary;
  config: Config;
  /** Wall time of run() alone (engine start and module loading excluded); merged: the shards' sum. */
  seconds: number;
  claims: ClaimRow[];
  result: Result;
  /** Set by the CLI (a page has no commit to name). */
  source?: RunSource;
  /** A record merged from shards (`gradwgsl merge`): each shard's slice, device and time. */
  shards?: ShardOrigin[];
}

export interface RunFacts<Config, Result> {
  profile: Profile;
  device: AdapterSummary;
  config: Config;
  seconds: number;
  result: Result;
  source?: RunSource;
  shards?: ShardOrigin[];
}

export function experimentRecord<Config, Result>(
  exp: Experiment<Config, Result>,
  report: ExperimentReport,
  run: RunFacts<Config, Result>,
): ExperimentRecord<Config, Result> {
  return {
    experiment: exp.name,
    paper: exp.paper,
    profile: run.profile,
    device: run.device,
    config: run.config,
    seconds: run.seconds,
    claims: report.claims,
    result: run.result,
    ...(run.source ? { source: run.source } : {}),
    ...(run.shards ? { shards: run.shards } : {}),
  };
}

/** The record as written to result.json. */
export function recordJson(record: ExperimentRecord): string {
  return JSON.stringify(record, null, 2);
}
