// What every paper reproduction provides, so the CLI (`gradwgsl reproduce <name>`) and the
// browser demos drive them the same way.
import type { Verdict } from './verdict.js';

export interface ProgressEvent {
  /** What is running, e.g. "L_q, 40% noise, epoch 3/10". */
  label: string;
  done: number;
  total: number;
}

export type ProgressFn = (event: ProgressEvent) => void;

/** One row of the claim-versus-measurement table. */
export interface ClaimRow {
  claim: string;
  /** What the paper reports (quoted or paraphrased, with where). */
  paper: string;
  /** What we measured, with the numbers. */
  ours: string;
  /** Whether our measurement meets the spec's bar for the claim (verdict.ts). */
  verdict: Verdict;
}

export interface ExperimentReport {
  /** Plain-text table for the terminal (claims beside measurements, then details). */
  text: string;
  claims: ClaimRow[];
  /** Self-contained SVG plots by file name (e.g. "loss-vs-epoch.svg"). */
  plots: Record<string, string>;
}

export interface Experiment<Config, Result> {
  name: string;
  title: string;
  /** The paper, e.g. "Zhang & Sabuncu 2018, Generalized Cross Entropy". */
  paper: string;
  /** Small enough for CI (a few minutes on a software rasteriser). */
  quickConfig: Config;
  /** The spec's full protocol at our small scale. */
  defaultConfig: Config;
  run(config: Config, progress?: ProgressFn): Promise<Result>;
  report(result: Result): ExperimentReport;
}
