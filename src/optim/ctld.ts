// CTLD (Ye et al. 2017, reconstructed: mission/papers/ctld.md): second-order stochastic-gradient
// Langevin dynamics (SGHMC) whose force on the parameters is scaled by g(α), with α a tempering
// variable that has its own momentum, walls, Langevin noise and an adaptive biasing force from
// running per-bin means of the potential. Without tempering it is SGHMC; SGLD (sgld.ts) is the
// friction-1 case. Per step: one kernel for α, the step counter, one fused kernel per parameter.
// With `chains` = C, one optimizer runs C independent samplers at once (each its own α, bins and
// noise; chain c owns the c-th of C equal consecutive slices of every parameter).
//
// Scales (spec §5): `lr` is the learning rate on the MEAN minibatch loss, i.e. η = lr / N on the
// summed potential U; the noise per coordinate has variance 2 a lr T0 / N.
import { fail } from '../device/errors.js';
import { runtime } from '../graph/runtime.js';
import { TEMPER, langevinUpdate, temperUpdate, temperWords, type TemperHyper } from '../kernels/optim/ctld.js';
import { rngKey } from '../kernels/rng/random.js';
import { tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireNonNegative } from './optimizer.js';

export interface TemperingOptions {
  /** g in the hottest state: temperature T0 / gMin there. Default 0.1. */
  gMin?: number;
  /** g = 1 for |α| <= delta1, gMin for |α| >= delta2. Defaults 0.2, 0.8. */
  delta1?: number;
  delta2?: number;
  /** Walls φ = (wall/2)(|α| − alphaMax)² outside ±alphaMax. Defaults 1.0, 1000. */
  alphaMax?: number;
  wall?: number;
  /** α's step η_α (scale ~ 1/N: U~ − Abar grows with N) and friction a_α. Defaults 1e-3, 0.1. */
  eta?: number;
  friction?: number;
  /** Bins of the adaptive biasing force over [−alphaMax, alphaMax]. Default 20. */
  bins?: number;
  /** Subtract the running bin means of U (the biasing force). Default true. */
  abf?: boolean;
  /** Record α for this many steps (read with alphaTrace()). Default 0. */
  traceLength?: number;
}

export interface CTLDOptions {
  /** Learning rate on the mean loss (η = lr / N). */
  lr: number;
  /** N, the number of training examples. */
  dataSize: number;
  /** a = 1 − momentum. Default 0.1. */
  friction?: number;
  /** T0, the base temperature of the summed potential. Default 0.01. */
  temperature?: number;
  /** L2 prior on the parameters, applied at full strength (not tempered). Default 0. */
  weightDecay?: number;
  /** false: no tempering (g = 1 throughout: SGHMC). Default: tempering with the defaults above. */
  tempering?: TemperingOptions | false;
  seed?: number;
  /**
   * Independent chains (default 1): every parameter's elements split into this many equal
   * consecutive slices (a leading dimension of this size), and step(loss) takes one mean loss per
   * chain. Lets a study run its seeds in one dispatch sequence.
   */
  chains?: number;
  /**
   * First Philox stream: parameter i draws from stream + i, α from stream + (number of
   * parameters). Left out, each takes a fresh automatic stream (runtime().rngStreams); give it
   * (far above those, e.g. >= 2^31) to reproduce a run regardless of what ran before.
   */
  stream?: number;
}

/** The tempering variable's state, read back. */
export interface TemperingState {
  alpha: number;
  /** g(α) used by the last step. */
  g: number;
  steps: number;
  /** Steps taken with g = 1 (|α| <= delta1) and with g = gMin (|α| >= delta2). */
  coldSteps: number;
  hotSteps: number;
  /** U~ of the last step. */
  energy: number;
  /** Per bin: running mean of U~ and visits. */
  binMeans: Float32Array;
  binVisits: Float32Array;
}

export class CTLD extends Optimizer {
  readonly friction: number;
  readonly temperature: number;
  readonly weightDecay: number;
  readonly dataSize: number;
  readonly chains: number;
  /** Fixed at construction; null when tempering is off. */
  readonly tempering: Readonly<TemperHyper> | null;
  private readonly temperState: Tensor;
  private readonly trace: Tensor;
  private readonly seed: number;
  /** Words of one chain's tempering state. */
  private readonly words: number;
  /** The Philox stream of each parameter's noise (key (seed, stream), counter (quad, step)). */
  readonly streams: readonly number[];

  /** `what` names the optimizer in errors (SGLD passes its own). */
  constructor(params: readonly Tensor[], opts: CTLDOptions, what = 'CTLD') {
    const { lr, dataSize, friction = 0.1, temperature = 0.01, weightDecay = 0, seed = 0, chains = 1 } = opts;
    if (!Number.isInteger(dataSize) || dataSize < 1) fail(`${what}: dataSize = ${dataSize} must be the number of training examples (a positive integer)`);
    if (!(friction > 0 && friction <= 1)) fail(`${what}: friction = ${friction} must be in (0, 1] (1 − momentum; 1 is SGLD)`);
    requireNonNegative(what, 'temperature', temperature);
    requireNonNegative(what, 'weightDecay', weightDecay);
    if (!Number.isInteger(chains) || chains < 1) fail(`${what}: chains = ${chains} must be a positive integer`);
    for (const p of params) {
      if (p.numel % chains !== 0) fail(`${what}: parameter ${p} has ${p.numel} elements, not a multiple of chains = ${chains}; give every parameter a leading dimension of ${chains}`);
    }
    super(what, params, lr, ['velocity']);
    this.chains = chains;
    this.friction = friction;
    this.temperature = temperature;
    this.weightDecay = weightDecay;
    this.dataSize = dataSize;
    this.seed = seed;
    const streamOf = (i: number) => rngKey({ seed, stream: opts.stream === undefined ? undefined : opts.stream + i }, what).stream;
    this.streams = this.params.map((_, i) => streamOf(i));
    this.tempering =
      opts.tempering === false ? null : temperingHyper(what, opts.tempering ?? {}, { dataSize, temperature, seed, chains, stream: streamOf(this.params.length) });
    const rt = runtime();
    this.words = temperWords(this.tempering?.bins ?? 0);
    const state = new Float32Array(chains * this.words);
    for (let c = 0; c < chains; c++) state[c * this.words + TEMPER.g] = 1;
    this.temperState = rt.keep(tensor(state, [state.length], 'f32', `${what}/temper`));
    this.trace = rt.keep(zeros([chains * Math.max(1, this.tempering?.traceLength ?? 0)], `${what}/alpha-trace`));
  }

  /**
   * One step. With tempering, pass the minibatch's MEAN loss (f32, one value per chain) that the
   * gradients came from: α moves first and the parameters take g(α) of the state before that move.
   */
  override step(loss?: Tensor): void {
    let temper: Tensor | null = null;
    if (this.tempering) {
      if (!loss) fail('CTLD.step(loss): tempering needs the minibatch mean loss; call optimizer.step(loss)');
      if (loss.dtype !== 'f32' || loss.numel !== this.chains) {
        fail(`CTLD.step(loss): ${loss} must be the mean loss, ${this.chains === 1 ? 'one f32 value' : `one f32 value per chain (${this.chains})`}`);
      }
      temper = temperUpdate(this.temperState, loss, this.trace, this.tempering);
    }
    super.step();
    if (temper && !runtime().tracing) temper.dispose();
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    const stream = this.streams[this.params.indexOf(param)]!;
    return langevinUpdate(param, grad, slots.velocity!, hyper, this.temperState, {
      friction: this.friction,
      weightDecay: this.weightDecay,
      temperature: this.temperature,
      dataSize: this.dataSize,
      seed: this.seed,
      stream,
      chains: this.chains,
      words: this.words,
    });
  }

  /** Also the tempering state and the α trace, so checkpoints resume the sampler exactly. */
  override state(): Record<string, Tensor> {
    return { ...super.state(), temper: this.temperState, alphaTrace: this.trace };
  }

  async temperingState(chain = 0): Promise<TemperingState> {
    this.checkChain('temperingState', chain);
    const all = (await this.temperState.data()) as Float32Array;
    const s = all.subarray(chain * this.words, (chain + 1) * this.words);
    const bins = this.tempering?.bins ?? 0;
    const pairs = s.subarray(TEMPER.header, TEMPER.header + 2 * bins);
    return {
      alpha: s[TEMPER.alpha]!,
      g: s[TEMPER.g]!,
      steps: s[TEMPER.steps]!,
      coldSteps: s[TEMPER.cold]!,
      hotSteps: s[TEMPER.hot]!,
      energy: s[TEMPER.energy]!,
      binMeans: pairs.filter((_, i) => i % 2 === 0),
      binVisits: pairs.filter((_, i) => i % 2 === 1),
    };
  }

  /** A chain's α at each tempering step recorded so far (up to traceLength). */
  async alphaTrace(chain = 0): Promise<Float32Array> {
    const steps = (await this.temperingState(chain)).steps;
    const length = this.tempering?.traceLength ?? 0;
    const all = (await this.trace.data()) as Float32Array;
    return all.slice(chain * length, chain * length + Math.min(steps, length));
  }

  /**
   * Puts every chain's α back at `alpha` with zero momentum (the phase switch's cap). The bin
   * statistics and counters stay.
   */
  setAlpha(alpha: number): void {
    if (!Number.isFinite(alpha)) fail(`${this.constructor.name}.setAlpha: alpha = ${alpha} must be finite`);
    for (let c = 0; c < this.chains; c++) runtime().write(this.temperState.storage!.buffer, Float32Array.of(alpha, 0), c * this.words * 4);
  }

  private checkChain(what: string, chain: number): void {
    if (!Number.isInteger(chain) || chain < 0 || chain >= this.chains) fail(`${this.constructor.name}.${what}: chain = ${chain} must be an integer in [0, ${this.chains - 1}]`);
  }

  override dispose(): void {
    super.dispose();
    this.temperState.dispose();
    this.trace.dispose();
  }
}

function temperingHyper(
  what: string,
  t: TemperingOptions,
  base: { dataSize: number; temperature: number; seed: number; chains: number; stream: number },
): TemperHyper {
  const { gMin = 0.1, delta1 = 0.2, delta2 = 0.8, alphaMax = 1, wall = 1000, eta = 1e-3, friction = 0.1, bins = 20, abf = true, traceLength = 0 } = t;
  if (!(gMin > 0 && gMin <= 1)) fail(`${what}: gMin = ${gMin} must be in (0, 1] (the hottest state has temperature T0 / gMin)`);
  if (!(delta1 >= 0 && delta1 < delta2 && delta2 <= alphaMax)) {
    fail(`${what}: need 0 <= delta1 < delta2 <= alphaMax, got delta1 = ${delta1}, delta2 = ${delta2}, alphaMax = ${alphaMax}`);
  }
  requireNonNegative(what, 'wall', wall);
  requireNonNegative(what, 'tempering eta', eta);
  if (!(friction > 0 && friction <= 1)) fail(`${what}: tempering friction = ${friction} must be in (0, 1]`);
  // The walls are a spring of stiffness eta·wall per step; the damped explicit step is stable below 2(2 − a).
  if (eta * wall >= 2 * (2 - friction)) {
    fail(`${what}: walls of stiffness ${wall} are unstable with tempering eta = ${eta}: need eta · wall < ${2 * (2 - friction)} (eta · wall = 1 is safe)`);
  }
  if (!Number.isInteger(bins) || bins < 1) fail(`${what}: bins = ${bins} must be a positive integer`);
  if (!Number.isInteger(traceLength) || traceLength < 0) fail(`${what}: traceLength = ${traceLength} must be a non-negative integer`);
  return { ...base, gMin, delta1, delta2, alphaMax, wall, eta, friction, bins, abf, traceLength };
}
