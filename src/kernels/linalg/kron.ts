// A Kronecker-factored step for one linear layer (shaders/linalg/kron.wgsl and the GEMM
// kernels): the momentum gradient D packed as [w | b], the direction −H^g·D·H^a as two GEMMs,
// and the update of w and b.
import source from '../../../shaders/linalg/kron.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { Tensor, LowerCtx } from '../../tensor/tensor.js';
import { dispatchGemm } from '../gemm/kernels.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { bindFor, recordEffect, requireLeaf, requireShape } from './effect.js';

const momentumKernel = new Kernel({ name: 'linalg/kron-momentum', source, entry: 'momentum' });
const stepKernel = new Kernel({ name: 'linalg/kron-step', source, entry: 'step' });

/** A linear layer's parameters: weight [rows, in] (PyTorch's layout) and an optional bias [rows]. */
export interface KronParams {
  weight: Tensor;
  bias: Tensor | null;
}

/** [rows, cols] of the packed parameters [w | b]. */
export function packedShape(what: string, p: KronParams): [number, number] {
  if (p.weight.rank !== 2) fail(`${what}: weight ${p.weight} must be 2-D [out, in]`);
  const [rows, inputs] = p.weight.shape as [number, number];
  if (p.bias) requireShape(what, 'bias', p.bias, [rows]);
  return [rows, inputs + (p.bias ? 1 : 0)];
}

export interface MomentumOptions {
  /** Moving-average weight ρ of the old D (the authors: 0.9). */
  rho: number;
  /** L2 term τ added to the gradient (the authors: 1e-5). */
  tau: number;
}

/**
 * D [rows, cols] ← ρ·D + (1 − ρ)·(∇[w | b] + τ·[w | b]) in place; `grads` are the gradients of
 * the weight and the bias.
 */
export function packedMomentum(d: Tensor, p: KronParams, grads: KronParams, opts: MomentumOptions): void {
  const what = 'packedMomentum';
  const [rows, cols] = packedShape(what, p);
  requireShape(what, 'D', d, [rows, cols]);
  requireLeaf(what, 'D', d);
  requireShape(what, 'weight gradient', grads.weight, p.weight.shape);
  if (!!grads.bias !== !!p.bias) fail(`${what}: give a bias gradient exactly when the layer has a bias`);
  if (p.bias) requireShape(what, 'bias gradient', grads.bias!, [rows]);
  // Without a bias the weight's buffers stand in for the bias bindings the shader declares.
  const tensors = { d, gw: grads.weight, gb: grads.bias ?? grads.weight, w: p.weight, b: p.bias ?? p.weight };
  recordEffect(what, tensors, (ctx, refs) =>
    ctx.dispatch({
      kernel: momentumKernel,
      constants: { HAS_BIAS: p.bias ? 1 : 0 },
      bind: refs,
      uniforms: { rows, cols, rho: opts.rho, one_minus_rho: 1 - opts.rho, tau: opts.tau },
      workgroups: grid1d(rows * cols),
    }),
  );
}

/** What multiplies D from the left: a dense H^g, or a routine (L-BFGS) writing H^g·D into `out`. */
export type LeftFactor = { dense: BufferRef } | { apply: (ctx: LowerCtx, d: BufferRef, out: BufferRef) => void };

/**
 * Emits w ← w − lr·(H^g·D·H^a) and the same for b, D packed [rows, cols], H^a [cols, cols].
 * `refs` holds d, ha, weight and bias (the weight again when there is none).
 */
export function emitKronStep(ctx: LowerCtx, left: LeftFactor, refs: Record<'d' | 'ha' | 'weight' | 'bias', BufferRef>, rows: number, cols: number, hasBias: boolean, lr: number): void {
  const flags = { transposeA: false, transposeB: false, activation: 'none' } as const;
  const strides = { aBatch: 0, bBatch: 0 };
  const gd = ctx.scratch(rows * cols * 4);
  if ('dense' in left) dispatchGemm(ctx, { a: left.dense, b: refs.d, c: gd }, { batch: 1, m: rows, n: cols, k: rows }, strides, flags);
  else left.apply(ctx, refs.d, gd);
  const dir = ctx.scratch(rows * cols * 4);
  dispatchGemm(ctx, { a: gd, b: refs.ha, c: dir }, { batch: 1, m: rows, n: cols, k: cols }, strides, flags);
  ctx.dispatch({
    kernel: stepKernel,
    constants: { HAS_BIAS: hasBias ? 1 : 0 },
    bind: bindFor(stepKernel, { dir, wu: refs.weight, bu: refs.bias }),
    uniforms: { rows, cols, lr },
    workgroups: grid1d(rows * cols),
  });
}

/** [w | b] ← [w | b] − lr·(hg·D·ha) for dense hg [rows, rows] and ha [cols, cols]. */
export function kronStep(p: KronParams, d: Tensor, hg: Tensor, ha: Tensor, lr: number): void {
  const what = 'kronStep';
  const [rows, cols] = packedShape(what, p);
  requireShape(what, 'D', d, [rows, cols]);
  requireShape(what, 'H^g', hg, [rows, rows]);
  requireShape(what, 'H^a', ha, [cols, cols]);
  if (!Number.isFinite(lr)) fail(`${what}: learning rate ${lr} must be finite`);
  const tensors = { d, ha, hg, weight: p.weight, bias: p.bias ?? p.weight };
  recordEffect(what, tensors, (ctx, r) =>
    emitKronStep(ctx, { dense: r.hg! }, { d: r.d!, ha: r.ha!, weight: r.weight!, bias: r.bias! }, rows, cols, !!p.bias, lr),
  );
}
