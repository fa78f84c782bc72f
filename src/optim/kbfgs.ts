// K-BFGS and K-BFGS(L) (Goldfarb, Ren & Bahamou 2020, "Practical Quasi-Newton Methods for
// Training Deep Neural Networks"), as in the authors' code (our spec §3–§5):
// per layer, H^a ≈ (A + √λ I)⁻¹ with A the moving average of h̃h̃ᵀ (variant P: explicit inverse
// every T iterations; variant C: the inverse once, then one Hessian-action BFGS update per
// iteration), and H^g, the inverse of the pre-activation Hessian, kept by BFGS (dense) or
// L-BFGS (memory p) from pairs s = ā − ā⁺, y = ḡ − ḡ⁺ of batch-mean pre-activations and their
// gradients before and after the step, smoothed, then double-damped (Powell with μ₁ = 0.2, then
// Levenberg–Marquardt with μ₂ = min(√λ, 1)). Step: θ ← θ − lr·H^g·D·H^a, D the momentum gradient.
//
// Plans per iteration: stats (forward/backward at θ: D, A, ā, ḡ), inverse (when due), update
// (the step), extra (forward/backward of the same batch at θ⁺: the pair, damping and H^g
// update, and variant C's H^a update).
import { fail } from '../device/errors.js';
import { compile, type CompiledStep, type Feeds } from '../graph/compile.js';
import type { BufferRef } from '../device/dispatch.js';
import { runtime } from '../graph/runtime.js';
import { DIAG_WORDS, emitBfgsUpdate, emitDoubleDamping, emitMatvec, emitShiftedMatvec, requireDampingParams } from '../kernels/linalg/bfgs.js';
import { recordEffect } from '../kernels/linalg/effect.js';
import { emitKronStep, type LeftFactor } from '../kernels/linalg/kron.js';
import { LbfgsMemory, emitLbfgsAppend, emitLbfgsApply } from '../kernels/linalg/lbfgs.js';
import { columnMean, emitColumnMean, emitPair } from '../kernels/linalg/stats.js';
import { tensor, zeros } from '../tensor/create.js';
import type { Tensor, LowerCtx } from '../tensor/tensor.js';
import { KronCommon, type InputSide } from './second-order/factors.js';
import { AUTHORS_DEFAULTS, checkKronOptions, requireIn, type TrainingMethod } from './second-order/method.js';
import type { KronProblem } from './second-order/problem.js';

export interface KBFGSOptions {
  lr: number;
  /** λ: A is damped by λ_A = √λ; double damping uses μ₂ = min(√λ, 1). */
  damping: number;
  /** L-BFGS memory p for K-BFGS(L); leave out for dense BFGS (K-BFGS). */
  memory?: number;
  /** 'C' (default, the authors' final code): the inverse once, then one Hessian-action BFGS update of H^a per iteration. 'P': (A + λ_A I)⁻¹ every T iterations. */
  variant?: 'P' | 'C';
  /** Double damping of the pairs (default true); false keeps only the skip test (the ablation). */
  doubleDamping?: boolean;
  /** Powell parameter μ₁ (default 0.2). */
  mu1?: number;
  /** Moving-average weight of the (s, y) pairs (default 0.9; 0 uses the raw pairs). */
  pairSmoothing?: number;
  inverseEvery?: number;
  momentum?: number;
  weightDecay?: number;
  factorDecay?: number;
}

/** Per layer: H^g (dense or L-BFGS) and the vectors of the curvature pairs. */
interface OutputSide {
  dense: Tensor | null;
  memory: LbfgsMemory | null;
  aBar: Tensor;
  gBar: Tensor;
  s: Tensor;
  y: Tensor;
  /** h̄ = mean [h; 1] (variant C). */
  hBar: Tensor | null;
  /** u32 [accepted, skipped, DD step 1 active, DD step 2 active] of H^g's updates. */
  diag: Tensor;
  /** The same for H^a's BFGS updates (variant C). */
  diagA: Tensor | null;
}

export class KBFGS implements TrainingMethod {
  readonly name: string;
  private iteration = 0;

  private constructor(
    private readonly common: KronCommon,
    private readonly outputs: OutputSide[],
    private readonly opts: Required<Omit<KBFGSOptions, 'memory'>> & { memory: number | null },
    private readonly plans: Record<'warm' | 'stats' | 'inverse' | 'update' | 'extra', CompiledStep>,
  ) {
    this.name = opts.memory ? `K-BFGS(L)` : 'K-BFGS';
  }

  /** μ₂ = min(√λ, 1): the step-2 formula needs μ₂ ≤ 1 (our spec §6); λ_A stays √λ. */
  static mu2(damping: number): number {
    return Math.min(Math.sqrt(damping), 1);
  }

  static async create(problem: KronProblem, options: KBFGSOptions): Promise<KBFGS> {
    const opts = {
      variant: 'C' as 'P' | 'C',
      doubleDamping: true,
      mu1: 0.2,
      pairSmoothing: 0.9,
      inverseEvery: AUTHORS_DEFAULTS.inverseEvery,
      momentum: AUTHORS_DEFAULTS.momentum,
      weightDecay: AUTHORS_DEFAULTS.weightDecay,
      factorDecay: AUTHORS_DEFAULTS.factorDecay,
      ...options,
      memory: options.memory ?? null,
    };
    const what = opts.memory ? 'K-BFGS(L)' : 'K-BFGS';
    checkKronOptions(what, opts);
    if (opts.variant !== 'P' && opts.variant !== 'C') fail(`${what}: variant '${opts.variant}' must be 'P' or 'C'`);
    if (opts.memory !== null && (!Number.isInteger(opts.memory) || opts.memory < 1)) fail(`${what}: memory ${opts.memory} must be a positive integer`);
    requireIn(what, 'pairSmoothing', opts.pairSmoothing, 0, 0.999999);
    const mu2 = KBFGS.mu2(opts.damping);
    requireDampingParams(what, opts.mu1, mu2);
    const sqrtLambda = Math.sqrt(opts.damping);
    const common = new KronCommon(what, problem, sqrtLambda);
    const rt = runtime();
    const outputs: OutputSide[] = common.sides.map((side, i) => {
      const name = `${what}/layer${i}`;
      const n = side.rows;
      const eye = Float32Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
      return {
        dense: opts.memory ? null : rt.keep(tensor(eye, [n, n], 'f32', `${name}/Hg`)),
        memory: opts.memory ? new LbfgsMemory(n, opts.memory, 1) : null,
        aBar: rt.keep(zeros([n], `${name}/aBar`)),
        gBar: rt.keep(zeros([n], `${name}/gBar`)),
        s: rt.keep(zeros([n], `${name}/s`)),
        y: rt.keep(zeros([n], `${name}/y`)),
        hBar: opts.variant === 'C' ? rt.keep(zeros([side.cols], `${name}/hBar`)) : null,
        diag: rt.keep(tensor(new Uint32Array(DIAG_WORDS), [DIAG_WORDS], 'u32', `${name}/diag`)),
        diagA: opts.variant === 'C' ? rt.keep(tensor(new Uint32Array(DIAG_WORDS), [DIAG_WORDS], 'u32', `${name}/diagA`)) : null,
      };
    });

    const warm = await common.batchPlan((trace, m) => common.recordInputFactors(trace, m));
    const stats = await common.batchPlan((trace, m) => {
      trace.loss.backward();
      common.recordMomentum(opts);
      common.recordInputFactors(trace, m);
      outputs.forEach((out, i) => {
        const { input, preact } = trace.captures[i]!;
        columnMean(out.aBar, preact, 1);
        // ḡ of per-example gradients: m × the mean-loss gradient.
        columnMean(out.gBar, preact.grad!, m);
        if (out.hBar) columnMean(out.hBar, input, 1, common.sides[i]!.homogeneous);
      });
    });
    const inverse = await compile({}, () => {
      for (const side of common.sides) side.ha.record();
      return {};
    });
    const update = await compile({}, () => {
      common.sides.forEach((side, i) => recordStep(side, outputs[i]!, opts.lr));
      return {};
    });
    const extra = await common.batchPlan((trace, m) => {
      trace.loss.backward();
      outputs.forEach((out, i) => {
        const { preact } = trace.captures[i]!;
        recordCurvature(out, preact, preact.grad!, m, { ...opts, mu2 });
        if (opts.variant === 'C') recordInputBfgs(common.sides[i]!, out, sqrtLambda);
      });
    });
    return new KBFGS(common, outputs, opts, { warm, stats, inverse, update, extra });
  }

  async warmStart(batches: Iterable<Feeds>, count: number): Promise<void> {
    await this.common.warmStart(this.plans.warm, batches, count);
  }

  async step(feeds: Feeds): Promise<void> {
    // The warm start stands for the first iteration's average: no factor update at iteration 0.
    const beta = this.opts.factorDecay;
    if (this.iteration === 0) this.common.setCoef(1, 0);
    else this.common.setCoef(beta, 1 - beta);
    await this.plans.stats.run(feeds);
    const due = this.opts.variant === 'C' ? this.iteration === 0 : this.iteration % this.opts.inverseEvery === 0;
    if (due) {
      await this.plans.inverse.run({});
      await this.common.checkInverses(this.common.sides.map((s) => s.ha));
    }
    await this.plans.update.run({});
    await this.plans.extra.run(feeds);
    this.iteration++;
  }

  /**
   * The live state per layer, for inspection and checkpoints: D, A, H^a, H^g (dense) or the
   * L-BFGS ring, the batch means ā and ḡ, and the smoothed pair (s, y).
   */
  state(): Record<string, Tensor>[] {
    return this.common.sides.map((side, i) => {
      const out = this.outputs[i]!;
      return { D: side.d, A: side.a, Ha: side.ha.inverse, ...curvatureTensors(out), aBar: out.aBar, gBar: out.gBar, s: out.s, y: out.y };
    });
  }

  /** Sums over layers of the H^g counters (and H^a's for variant C). */
  async diagnostics(): Promise<Record<string, number>> {
    const totals = new Array<number>(2 * DIAG_WORDS).fill(0);
    for (const out of this.outputs) {
      ((await out.diag.data()) as Uint32Array).forEach((v, k) => (totals[k]! += v));
      if (out.diagA) ((await out.diagA.data()) as Uint32Array).forEach((v, k) => (totals[DIAG_WORDS + k]! += v));
    }
    const [accepted, skipped, step1, step2, aAccepted, aSkipped] = totals;
    const pairs = accepted! + skipped!;
    return {
      iterations: this.iteration,
      updates: accepted!,
      skipped: skipped!,
      // Fractions of the damped pairs on which each DD step acted.
      ddPowellActive: pairs ? step1! / pairs : 0,
      ddLmActive: pairs ? step2! / pairs : 0,
      mu2Clamped: Math.sqrt(this.opts.damping) > 1 ? 1 : 0,
      ...(this.opts.variant === 'C' ? { aUpdates: aAccepted!, aSkipped: aSkipped! } : {}),
    };
  }

  dispose(): void {
    for (const p of Object.values(this.plans)) p.dispose();
    for (const out of this.outputs) {
      out.dense?.dispose();
      out.memory?.dispose();
      for (const t of [out.aBar, out.gBar, out.s, out.y, out.hBar, out.diag, out.diagA]) t?.dispose();
    }
    this.common.dispose();
  }
}

/** The H^g side's tensors by the names the kernels use. */
function curvatureTensors(out: OutputSide): Record<string, Tensor> {
  return out.dense ? { h: out.dense } : out.memory!.tensors();
}

/** How H^g multiplies a [rows, cols] matrix, for the step. */
function leftFactor(out: OutputSide, refs: Record<string, BufferRef>, cols: number): LeftFactor {
  if (out.dense) return { dense: refs.h! };
  const mem = out.memory!;
  return { apply: (ctx, d, dst) => emitLbfgsApply(ctx, mem, refs as Parameters<typeof emitLbfgsApply>[2], d, dst, cols) };
}

/** θ ← θ − lr·H^g·D·H^a for one layer. */
function recordStep(side: InputSide, out: OutputSide, lr: number): void {
  const { weight, bias } = side.layer;
  const tensors = { ...curvatureTensors(out), d: side.d, ha: side.ha.inverse, weight, bias: bias ?? weight };
  recordEffect('kbfgsStep', tensors, (ctx, r) =>
    emitKronStep(ctx, leftFactor(out, r, side.cols), { d: r.d!, ha: r.ha!, weight: r.weight!, bias: r.bias! }, side.rows, side.cols, !!bias, lr),
  );
}

interface CurvatureSettings {
  pairSmoothing: number;
  doubleDamping: boolean;
  mu1: number;
  mu2: number;
}

/** The pair from ā, ḡ and the new batch, its damping, and the H^g update, for one layer. */
function recordCurvature(out: OutputSide, preact: Tensor, preactGrad: Tensor, m: number, c: CurvatureSettings): void {
  const n = out.s.shape[0]!;
  const tensors = { ...curvatureTensors(out), preact, pgrad: preactGrad, a_mean: out.aBar, g_mean: out.gBar, s: out.s, y: out.y, diag: out.diag };
  recordEffect('kbfgsCurvature', tensors, (ctx, r) => {
    const aNew = ctx.scratch(n * 4);
    const gNew = ctx.scratch(n * 4);
    emitColumnMean(ctx, r.preact!, aNew, m, n, 1);
    emitColumnMean(ctx, r.pgrad!, gNew, m, n, m);
    emitPair(ctx, { a_mean: r.a_mean!, g_mean: r.g_mean!, a_new: aNew, g_new: gNew, s: r.s!, y: r.y! }, n, c.pairSmoothing);
    let pair = { s: r.s!, y: r.y!, g: r.g_mean!, diag: r.diag! };
    if (c.doubleDamping) {
      // The damped pair goes to scratch: the smoothed pair carried to the next step stays undamped.
      const hy = ctx.scratch(n * 4);
      const damped = { s: ctx.scratch(n * 4), y: ctx.scratch(n * 4) };
      applyHg(ctx, out, r, r.y!, hy, n);
      emitDoubleDamping(ctx, { s: r.s!, y: r.y!, hy, s_out: damped.s, y_out: damped.y, diag: r.diag! }, n, c.mu1, c.mu2);
      pair = { ...pair, ...damped };
    }
    if (out.dense) emitBfgsUpdate(ctx, { ...pair, h: r.h! }, n);
    else emitLbfgsAppend(ctx, out.memory!, { ...(r as Parameters<typeof emitLbfgsAppend>[2]), ...pair });
  });
}

/** dst ← H^g·v for one vector. */
function applyHg(ctx: LowerCtx, out: OutputSide, r: Record<string, BufferRef>, v: BufferRef, dst: BufferRef, n: number): void {
  const left = leftFactor(out, r, 1);
  if ('dense' in left) emitMatvec(ctx, left.dense, v, dst, n);
  else left.apply(ctx, v, dst);
}

/**
 * Variant C: one BFGS update of H^a with the Hessian-action pair s_a = H^a·h̄,
 * y_a = (A + λ_A I)·s_a (no damping; skip test with h̄). Counters go to diagA.
 */
function recordInputBfgs(side: InputSide, out: OutputSide, lambdaA: number): void {
  const n = side.cols;
  const tensors = { h: side.ha.inverse, a: side.a, hbar: out.hBar!, diag: out.diagA! };
  recordEffect('kbfgsInputBfgs', tensors, (ctx, r) => {
    const sa = ctx.scratch(n * 4);
    const ya = ctx.scratch(n * 4);
    emitMatvec(ctx, r.h!, r.hbar!, sa, n);
    emitShiftedMatvec(ctx, r.a!, sa, ya, n, lambdaA);
    emitBfgsUpdate(ctx, { h: r.h!, s: sa, y: ya, g: r.hbar!, diag: r.diag! }, n);
  });
}
