// The input side every Kronecker-factored method shares, per layer: the momentum gradient D
// (packed [w | b]), the factor A = E[h̃h̃ᵀ] with its moving average and its damped inverse H^a;
// and the helpers K-FAC and K-BFGS build their compiled plans with.
import { compile, type CompiledStep, type Feeds } from '../../graph/compile.js';
import { runtime } from '../../graph/runtime.js';
import { accumulateFactor } from '../../kernels/linalg/factor-stats.js';
import { packedMomentum, packedShape, type KronParams } from '../../kernels/linalg/kron.js';
import { invertSpd, readInverseStatus } from '../../kernels/linalg/spd-inverse.js';
import { tensor, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkTrace, type ForwardTrace, type KronProblem } from './problem.js';

/** A damped inverse H = (F + shift·I)⁻¹ kept on the GPU, with its SPD status word. */
export class DampedInverse {
  readonly inverse: Tensor;
  readonly status: Tensor;

  constructor(readonly factor: Tensor, readonly shift: Tensor, name: string) {
    const n = factor.shape[0]!;
    const rt = runtime();
    // Identity until the first inversion, so a step taken before it is a plain gradient step.
    this.inverse = rt.keep(tensor(Float32Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)), [n, n], 'f32', `${name}/inverse`));
    this.status = rt.keep(tensor([0], [1], 'u32', `${name}/status`));
  }

  /** Records the inversion (inside an inverse plan). */
  record(): void {
    invertSpd(this.inverse, this.factor, this.shift, this.status);
  }

  dispose(): void {
    this.inverse.dispose();
    this.status.dispose();
  }
}

/** Per layer: D, A and H^a = (A + λ_A I)⁻¹. */
export class InputSide {
  readonly rows: number;
  readonly cols: number;
  readonly d: Tensor;
  readonly a: Tensor;
  readonly ha: DampedInverse;

  /** `shift`: the damping of A, a [1] tensor (shared, or this layer's own for π-damping). */
  constructor(readonly layer: KronParams, shift: Tensor, name: string) {
    [this.rows, this.cols] = packedShape(name, layer);
    const rt = runtime();
    this.d = rt.keep(zeros([this.rows, this.cols], `${name}/D`));
    this.a = rt.keep(zeros([this.cols, this.cols], `${name}/A`));
    this.ha = new DampedInverse(this.a, shift, `${name}/A`);
  }

  get homogeneous(): boolean {
    return !!this.layer.bias;
  }

  dispose(): void {
    this.d.dispose();
    this.a.dispose();
    this.ha.dispose();
  }
}

export interface MomentumSettings {
  momentum: number;
  weightDecay: number;
}

/** The shared machinery: factor-average weights, per-layer input sides, and plan helpers. */
export class KronCommon {
  readonly sides: InputSide[];
  /** [keep, add] weights of the factor moving averages (see accumulateFactor). */
  readonly coef: Tensor;
  private coefValue: readonly [number, number] = [0, 0];
  /** The A-side dampings: one shared √λ, or one per layer that the caller's kernels write. */
  private readonly shifts: Tensor[];

  constructor(readonly what: string, readonly problem: KronProblem, sqrtLambda: number, ownShifts = false) {
    const rt = runtime();
    this.coef = rt.keep(zeros([2], `${what}/coef`));
    this.shifts = ownShifts
      ? problem.layers.map((_, i) => rt.keep(zeros([1], `${what}/layer${i}/shiftA`)))
      : [rt.keep(tensor([sqrtLambda], [1], 'f32', `${what}/shiftA`))];
    this.sides = problem.layers.map((layer, i) => new InputSide(layer, this.shifts[ownShifts ? i : 0]!, `${what}/layer${i}`));
  }

  /** Sets the factor-average weights for the next plan runs (a 2-word upload when they change). */
  setCoef(keep: number, add: number): void {
    if (this.coefValue[0] === keep && this.coefValue[1] === add) return;
    this.coefValue = [keep, add];
    runtime().write(this.coef.storage!.buffer, Float32Array.of(keep, add));
  }

  /** Traces the problem's forward pass and checks it; returns the trace and the batch size. */
  trace(inputs: Record<string, Tensor>): { trace: ForwardTrace; m: number } {
    const trace = this.problem.forward(inputs);
    return { trace, m: checkTrace(this.what, this.problem, trace) };
  }

  /** Records A ← coef[0]·A + coef[1]·h̃ᵀh̃/m for every layer. */
  recordInputFactors(trace: ForwardTrace, m: number): void {
    this.sides.forEach((side, i) => accumulateFactor(side.a, trace.captures[i]!.input, this.coef, { homogeneous: side.homogeneous, scale: 1 / m }));
  }

  /** Records D ← ρD + (1 − ρ)(∇θ + τθ) for every layer (after backward()). */
  recordMomentum(settings: MomentumSettings): void {
    for (const side of this.sides) {
      const { weight, bias } = side.layer;
      packedMomentum(side.d, side.layer, { weight: weight.grad!, bias: bias?.grad ?? null }, { rho: settings.momentum, tau: settings.weightDecay });
    }
  }

  /**
   * A plan over one batch that runs the forward pass and `record`. Gradients stay enabled (the
   * captures retain theirs) but nothing runs backward unless `record` asks.
   */
  batchPlan(record: (trace: ForwardTrace, m: number) => void): Promise<CompiledStep> {
    return compile(this.problem.feeds, (inputs) => {
      const { trace, m } = this.trace(inputs);
      record(trace, m);
      return { loss: trace.loss };
    });
  }

  /** Warm start: factors ← the plain average over all batches of one pass (run `plan` on each). */
  async warmStart(plan: CompiledStep, batches: Iterable<Feeds>, count: number): Promise<void> {
    this.setCoef(1, 1 / count);
    for (const feeds of batches) await plan.run(feeds);
  }

  /** Reads the status of every inversion and fails clearly if one was not SPD. */
  async checkInverses(inverses: readonly DampedInverse[]): Promise<void> {
    for (const [i, inv] of inverses.entries()) await readInverseStatus(inv.status, `${this.what}, inverse ${i}`);
  }

  dispose(): void {
    this.coef.dispose();
    for (const t of this.shifts) t.dispose();
    for (const s of this.sides) s.dispose();
  }
}
