// K-FAC as in the K-BFGS authors' code (Goldfarb et al. 2020, kfac_utils.py; our spec §7):
// per layer A = EMA of h̃h̃ᵀ and G = EMA of g̃g̃ᵀ, with g̃ the per-example pre-activation
// gradients of the loss on targets sampled from the model (the true Fisher). Both are
// warm-started by the plain average over one pass of the data, then averaged with the fixed
// weight ρ = 0.9 from iteration 0 on: the authors' final code (commit f2ad778, "warm start for
// kfac", replaced the older ρ_k = min(1 − 1/(k+1), 0.9), which let iteration 0 overwrite the
// warm start) and our spec §7.
// Damped inverses (A + √λ I)⁻¹ and (G + √λ I)⁻¹ (or Martens & Grosse's factored π-damping)
// are recomputed at iterations k ≤ T and then every T; the step is −lr·(G+·)⁻¹·D·(A+·)⁻¹ with
// D the momentum gradient. No line search, no adaptive λ.
//
// Plans per iteration: stats (forward, backward on sampled then true targets, D, A and G
// updates), inverse (when due), update (the step).
import { compile, type CompiledStep, type Feeds } from '../graph/compile.js';
import { runtime } from '../graph/runtime.js';
import { accumulateFactor } from '../kernels/linalg/factor-stats.js';
import { kronStep } from '../kernels/linalg/kron.js';
import { piDamping } from '../kernels/linalg/pi-damping.js';
import { zeros, tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { DampedInverse, KronCommon } from './second-order/factors.js';
import { AUTHORS_DEFAULTS, checkKronOptions, type TrainingMethod } from './second-order/method.js';
import type { ForwardTrace, KronProblem } from './second-order/problem.js';

export interface KFACOptions {
  lr: number;
  /** λ: A and G are damped by √λ each (or π√λ and √λ/π with piDamping). */
  damping: number;
  /** Martens & Grosse's factored Tikhonov damping (default false, as the authors). */
  piDamping?: boolean;
  /** Inverses at every iteration k ≤ T, then every T iterations (default 20). */
  inverseEvery?: number;
  momentum?: number;
  weightDecay?: number;
  factorDecay?: number;
}

interface OutputSide {
  g: Tensor;
  hg: DampedInverse;
}

export class KFAC implements TrainingMethod {
  readonly name = 'K-FAC';
  private iteration = 0;

  private constructor(
    private readonly common: KronCommon,
    private readonly outputs: OutputSide[],
    private readonly opts: Required<KFACOptions>,
    private readonly plans: { warm: CompiledStep; stats: CompiledStep; inverse: CompiledStep; update: CompiledStep },
  ) {}

  static async create(problem: KronProblem, options: KFACOptions): Promise<KFAC> {
    const opts: Required<KFACOptions> = {
      piDamping: false,
      inverseEvery: AUTHORS_DEFAULTS.inverseEvery,
      momentum: AUTHORS_DEFAULTS.momentum,
      weightDecay: AUTHORS_DEFAULTS.weightDecay,
      factorDecay: AUTHORS_DEFAULTS.factorDecay,
      ...options,
    };
    checkKronOptions('K-FAC', opts);
    // With π-damping every layer's A and G get their own shifts, computed on the GPU.
    const common = new KronCommon('K-FAC', problem, Math.sqrt(opts.damping), opts.piDamping);
    const rt = runtime();
    const sharedShiftG = rt.keep(tensor([Math.sqrt(opts.damping)], [1], 'f32', 'K-FAC/shiftG'));
    const outputs: OutputSide[] = common.sides.map((side, i) => {
      const g = rt.keep(zeros([side.rows, side.rows], `K-FAC/layer${i}/G`));
      const shift = opts.piDamping ? rt.keep(zeros([1], `K-FAC/layer${i}/shiftG`)) : sharedShiftG;
      return { g, hg: new DampedInverse(g, shift, `K-FAC/layer${i}/G`) };
    });
    if (opts.piDamping) sharedShiftG.dispose();
    const recordFactors = (trace: ForwardTrace, m: number, sampledGrads: readonly Tensor[]) => {
      common.recordInputFactors(trace, m);
      // Per-example gradients are m × those of the mean loss: G = (1/m)·Σ (m g)(m g)ᵀ = m·gᵀg.
      outputs.forEach((out, i) => accumulateFactor(out.g, sampledGrads[i]!, common.coef, { homogeneous: false, scale: m }));
    };
    /** Backward on sampled targets; returns the pre-activation gradients and clears the parameters' gradients. */
    const sampledBackward = (trace: ForwardTrace) => {
      problem.sampledLoss(trace.output).backward();
      const grads = trace.captures.map((c) => c.preact.grad!);
      for (const { weight, bias } of problem.layers) {
        weight.grad = null;
        if (bias) bias.grad = null;
      }
      return grads;
    };
    const warm = await common.batchPlan((trace, m) => recordFactors(trace, m, sampledBackward(trace)));
    const stats = await common.batchPlan((trace, m) => {
      const sampled = sampledBackward(trace);
      trace.loss.backward();
      common.recordMomentum(opts);
      recordFactors(trace, m, sampled);
    });
    const inverse = await compile({}, () => {
      common.sides.forEach((side, i) => {
        const out = outputs[i]!;
        if (opts.piDamping) piDamping(side.ha.shift, out.hg.shift, side.a, out.g, opts.damping);
        side.ha.record();
        out.hg.record();
      });
      return {};
    });
    const update = await compile({}, () => {
      common.sides.forEach((side, i) => kronStep(side.layer, side.d, outputs[i]!.hg.inverse, side.ha.inverse, opts.lr));
      return {};
    });
    return new KFAC(common, outputs, opts, { warm, stats, inverse, update });
  }

  async warmStart(batches: Iterable<Feeds>, count: number): Promise<void> {
    await this.common.warmStart(this.plans.warm, batches, count);
  }

  async step(feeds: Feeds): Promise<void> {
    const k = this.iteration;
    const rho = this.opts.factorDecay;
    this.common.setCoef(rho, 1 - rho);
    await this.plans.stats.run(feeds);
    const T = this.opts.inverseEvery;
    if (k <= T || k % T === 0) {
      await this.plans.inverse.run({});
      await this.common.checkInverses(this.common.sides.flatMap((s, i) => [s.ha, this.outputs[i]!.hg]));
    }
    await this.plans.update.run({});
    this.iteration++;
  }

  /** The live state per layer, for inspection and checkpoints: D, A, G and their damped inverses. */
  state(): Record<string, Tensor>[] {
    return this.common.sides.map((side, i) => ({ D: side.d, A: side.a, G: this.outputs[i]!.g, Ainv: side.ha.inverse, Ginv: this.outputs[i]!.hg.inverse }));
  }

  async diagnostics(): Promise<Record<string, number>> {
    return { iterations: this.iteration };
  }

  dispose(): void {
    for (const p of Object.values(this.plans)) p.dispose();
    const shared = new Set<Tensor>();
    for (const out of this.outputs) {
      out.g.dispose();
      out.hg.dispose();
      shared.add(out.hg.shift);
    }
    for (const t of shared) t.dispose();
    this.common.dispose();
  }
}
