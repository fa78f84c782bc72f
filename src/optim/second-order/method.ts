// The common face of every training method of the K-BFGS reproduction (first-order optimizers,
// K-FAC, K-BFGS), and the hyperparameters the authors' code shares between them.
import { fail } from '../../device/errors.js';
import type { Feeds } from '../../graph/compile.js';

export interface TrainingMethod {
  readonly name: string;
  /**
   * One pass over the training batches before the first step (warm starts of K-FAC's and
   * K-BFGS's factors, RMSprop's second moment). `count` is the number of batches.
   */
  warmStart(batches: Iterable<Feeds>, count: number): Promise<void>;
  /** One training iteration on a batch (several compiled plans may run). */
  step(feeds: Feeds): Promise<void>;
  /** GPU counters for the report (skipped updates, active damping steps, …). */
  diagnostics(): Promise<Record<string, number>>;
  dispose(): void;
}

/** The authors' shared settings (Goldfarb et al. 2020, training_function.py; our spec §6). */
export const AUTHORS_DEFAULTS = {
  /** EMA weight ρ of the gradient momentum D. */
  momentum: 0.9,
  /** L2 term τ added to the gradient. */
  weightDecay: 1e-5,
  /** EMA weight β of the Kronecker factors. */
  factorDecay: 0.9,
  /** Matrix inverses every T iterations. */
  inverseEvery: 20,
} as const;

/** A hyperparameter that must be a finite number in [lo, hi]. */
export function requireIn(what: string, name: string, v: number, lo: number, hi: number): void {
  if (!(Number.isFinite(v) && v >= lo && v <= hi)) fail(`${what}: ${name} = ${v} must be a number in [${lo}, ${hi}]`);
}

/** Checks the settings every Kronecker method shares. */
export function checkKronOptions(what: string, o: { lr: number; damping: number; inverseEvery: number; momentum: number; weightDecay: number; factorDecay: number }): void {
  requireIn(what, 'lr', o.lr, 0, Infinity);
  if (!(o.damping > 0 && Number.isFinite(o.damping))) fail(`${what}: damping λ = ${o.damping} must be a positive number`);
  if (!Number.isInteger(o.inverseEvery) || o.inverseEvery < 1) fail(`${what}: inverseEvery = ${o.inverseEvery} must be a positive integer`);
  requireIn(what, 'momentum', o.momentum, 0, 0.999999);
  requireIn(what, 'weightDecay', o.weightDecay, 0, Infinity);
  requireIn(what, 'factorDecay', o.factorDecay, 0, 0.999999);
}
