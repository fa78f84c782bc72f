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
  /** Present when the experiment's work is a grid of independent cells that may run apart (shards.ts). */
  cells?: CellGrid<Config, Result>;
}

/**
 * An experiment whose run() is a list of independent cells (settings × seeds) and a pure
 * function of their results, so slices of the list can run on different machines and be joined:
 * run(config) must equal assemble(config, runCells(config, keys(config))).
 */
export interface CellGrid<Config, Result> {
  /** Every cell's key, in the order run() runs them; fixed by the config. */
  keys(config: Config): string[];
  /** Runs the cells named (some of keys(config), in that order); each result is plain JSON data. */
  runCells(config: Config, keys: readonly string[], progress?: ProgressFn): Promise<unknown[]>;
  /** The experiment's result from every cell's result, in keys(config) order. */
  assemble(config: Config, cells: readonly unknown[]): Result;
}
