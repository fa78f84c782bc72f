// The JSON record of one experiment run (runs/<paper>/result.json): the same shape whether the
// CLI (`gradwgsl reproduce`) or a demo page ran it, so results compare and load alike.
import type { AdapterSummary } from '../device/gpu.js';
import type { ClaimRow, Experiment, ExperimentReport } from './experiment.js';

export type Profile = 'quick' | 'default';

export interface ExperimentRecord<Config = unknown, Result = unknown> {
  experiment: string;
  paper: string;
  profile: Profile;
  device: AdapterSummary;
  config: Config;
  /** Wall time of run() alone (engine start and module loading excluded). */
  seconds: number;
  claims: ClaimRow[];
  result: Result;
}

export interface RunFacts<Config, Result> {
  profile: Profile;
  device: AdapterSummary;
  config: Config;
  seconds: number;
  result: Result;
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
  };
}

/** The record as written to result.json. */
export function recordJson(record: ExperimentRecord): string {
  return JSON.stringify(record, null, 2);
}
