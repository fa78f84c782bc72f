// The spec's barrier-crossing study (mission/papers/ctld.md §10 A): a 100-dimensional double
// well, U/N = (t1² − 1)² + 0.3 t1 + ½‖w‖² (w: t2 and 98 spectators), deep well near t1 = −1,
// shallow well near t1 = +1 where every chain starts. Three samplers — SGHMC (no tempering),
// CTLD with the adaptive biasing force, CTLD without it — each run every seed as one chain of a
// chain-batched CTLD optimizer, so one compiled step advances all of them.
import { fail } from '../../device/errors.js';
import { compile } from '../../graph/compile.js';
import { add } from '../../kernels/elementwise/binary.js';
import { addScalar, mulScalar, square } from '../../kernels/elementwise/unary.js';
import { sum, sumAll } from '../../kernels/reduce/reduce.js';
import { reshape } from '../../kernels/shape/reshape.js';
import { CTLD } from '../../optim/ctld.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { DELTA1 } from './train.js';

export type ToyVariant = 'sghmc' | 'ctld' | 'ctld-no-abf';
export const TOY_VARIANTS: readonly ToyVariant[] = ['sghmc', 'ctld', 'ctld-no-abf'];

export const TOY_LABELS: Readonly<Record<ToyVariant, string>> = {
  sghmc: 'SGHMC (no tempering)',
  ctld: 'CTLD with the biasing force',
  'ctld-no-abf': 'CTLD without the biasing force',
};

export interface ToyConfig {
  /** Chains per sampler (the spec's seeds). */
  chains: number;
  steps: number;
  /** Philox seed of the whole study; chains differ by their noise streams. */
  seed: number;
  /** N: U = N · (U/N); η = lr / N = 1e-3 per step for lr 0.1. */
  dataSize: number;
  lr: number;
  friction: number;
  temperature: number;
  gMin: number;
  alphaEta: number;
  alphaFriction: number;
  bins: number;
  /** A chain has crossed the barrier once t1 < this. */
  crossAt: number;
  /** Copy t1 back every this many steps: crossing times are known to this resolution. */
  readEvery: number;
}

/** Spec §10 A as written: 6 seeds × 20,000 steps, T0 = 1, η = 1e-3, a = 0.1, g_min 0.05, η_α 1e-4. */
export const TOY_SPEC: ToyConfig = {
  chains: 6,
  steps: 20_000,
  seed: 1,
  dataSize: 100,
  lr: 0.1,
  friction: 0.1,
  temperature: 1,
  gMin: 0.05,
  alphaEta: 1e-4,
  alphaFriction: 0.1,
  bins: 20,
  crossAt: -0.5,
  readEvery: 10,
};

const SPECTATORS = 99;
/** |α| >= δ2 (spec §2 default): the hottest state, g = g_min. */
const DELTA2 = 0.8;

export interface ToyChain {
  variant: ToyVariant;
  chain: number;
  /** First step (a multiple of readEvery) at which t1 < crossAt, or null if never. */
  crossingStep: number | null;
  t1Final: number;
  /** Over the second half of the run: fractions of steps with |α| <= δ1 (cold) and |α| >= δ2 (hot); null without tempering. */
  coldFraction: number | null;
  hotFraction: number | null;
  /** Steps per α bin over [−1, 1] (20 bins; outside values in the end bins), whole run. */
  alphaHistogram: number[];
}

export interface ToyResult {
  config: ToyConfig;
  chains: ToyChain[];
  seconds: number;
}

/** One variant's state: its parameters (leading dimension = chains) and sampler. */
interface Sampler {
  variant: ToyVariant;
  t1: Tensor;
  w: Tensor;
  ctld: CTLD;
}

function makeSampler(variant: ToyVariant, cfg: ToyConfig, index: number): Sampler {
  const t1 = tensor(new Float32Array(cfg.chains).fill(1), [cfg.chains, 1]).trainable();
  const w = tensor(new Float32Array(cfg.chains * SPECTATORS), [cfg.chains, SPECTATORS]).trainable();
  const ctld = new CTLD([t1, w], {
    lr: cfg.lr,
    dataSize: cfg.dataSize,
    friction: cfg.friction,
    temperature: cfg.temperature,
    seed: cfg.seed,
    chains: cfg.chains,
    // Fixed streams per variant, far above the automatic ones: the study reproduces exactly.
    stream: 2 ** 31 + 8 * index,
    tempering:
      variant === 'sghmc'
        ? false
        : { gMin: cfg.gMin, delta1: DELTA1, delta2: DELTA2, eta: cfg.alphaEta, friction: cfg.alphaFriction, bins: cfg.bins, abf: variant === 'ctld', traceLength: cfg.steps },
  });
  return { variant, t1, w, ctld };
}

/** U/N per chain, [chains]. */
function meanLoss(s: Sampler, chains: number): Tensor {
  const t1 = reshape(s.t1, [chains]);
  const well = add(square(addScalar(square(t1), -1)), mulScalar(t1, 0.3));
  return add(well, mulScalar(sum(square(s.w), 1), 0.5));
}

function histogram(trace: Float32Array, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const a of trace) counts[Math.min(bins - 1, Math.max(0, Math.floor(((a + 1) / 2) * bins)))]! += 1;
  return counts;
}

function checkConfig(cfg: ToyConfig): void {
  for (const k of ['chains', 'steps', 'readEvery', 'bins'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) fail(`ctld toy: ${k} = ${cfg[k]} must be a positive integer`);
  }
  if (cfg.steps % cfg.readEvery !== 0) fail(`ctld toy: steps = ${cfg.steps} must be a multiple of readEvery = ${cfg.readEvery}`);
}

export async function runToy(cfg: ToyConfig, progress?: (done: number, total: number) => void): Promise<ToyResult> {
  checkConfig(cfg);
  const started = performance.now();
  const samplers = TOY_VARIANTS.map((v, i) => makeSampler(v, cfg, i));
  const crossing = samplers.map(() => new Array<number | null>(cfg.chains).fill(null));
  try {
    const step = await compile({}, () => {
      const losses = samplers.map((s) => meanLoss(s, cfg.chains));
      losses.map((l) => sumAll(l)).reduce((a, b) => add(a, b)).backward();
      samplers.forEach((s, i) => s.ctld.step(losses[i]));
      // t1 of every chain of every sampler (after the update), to detect crossings.
      return Object.fromEntries(samplers.map((s) => [s.variant, s.t1]));
    });
    try {
      for (let t = 1; t <= cfg.steps; t++) {
        const read = t % cfg.readEvery === 0 ? TOY_VARIANTS : [];
        const out = await step.run({}, { read });
        if (!read.length) continue;
        samplers.forEach((s, i) => {
          const t1 = out[s.variant]!;
          for (let c = 0; c < cfg.chains; c++) if (crossing[i]![c] === null && t1[c]! < cfg.crossAt) crossing[i]![c] = t;
        });
        if (t % 1000 === 0) progress?.(t, cfg.steps);
      }
    } finally {
      step.dispose();
    }
    const chains: ToyChain[] = [];
    for (const [i, s] of samplers.entries()) {
      const t1 = (await s.t1.data()) as Float32Array;
      for (let c = 0; c < cfg.chains; c++) {
        const trace = s.ctld.tempering ? await s.ctld.alphaTrace(c) : new Float32Array(0);
        const late = trace.subarray(trace.length >> 1);
        const frac = (f: (a: number) => boolean) => (s.ctld.tempering ? late.filter(f).length / late.length : null);
        chains.push({
          variant: s.variant,
          chain: c,
          crossingStep: crossing[i]![c]!,
          t1Final: t1[c]!,
          coldFraction: frac((a) => Math.abs(a) <= DELTA1),
          hotFraction: frac((a) => Math.abs(a) >= DELTA2),
          alphaHistogram: histogram(trace, 20),
        });
      }
    }
    return { config: cfg, chains, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const s of samplers) {
      s.ctld.dispose();
      s.t1.dispose();
      s.w.dispose();
    }
  }
}
