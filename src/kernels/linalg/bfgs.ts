// The BFGS inverse update and its double damping (shaders/linalg/bfgs.wgsl,
// shaders/linalg/double-damping.wgsl), for K-BFGS's H^g (and variant C's H^a).
import bfgsSource from '../../../shaders/linalg/bfgs.wgsl';
import ddSource from '../../../shaders/linalg/double-damping.wgsl';
import sumSource from '../../../shaders/linalg/workgroup-sum.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { Tensor, LowerCtx } from '../../tensor/tensor.js';
import { dispatchGemm } from '../gemm/kernels.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { bindFor, recordEffect, requireLeaf, requireShape } from './effect.js';

const coefKernel = new Kernel({ name: 'linalg/bfgs-coef', source: [sumSource, bfgsSource], entry: 'coef' });
const rank2Kernel = new Kernel({ name: 'linalg/bfgs-rank2', source: [sumSource, bfgsSource], entry: 'rank2' });
const addKernel = new Kernel({ name: 'linalg/add-scaled', source: [sumSource, bfgsSource], entry: 'add_scaled' });
const ddKernel = new Kernel({ name: 'linalg/double-damping', source: [sumSource, ddSource] });
/** Read when first used, not at import: kernels reflect on first use. */
const addWg = () => addKernel.defaultWorkgroupSize[0];

/** The most elements emitAddScaled takes: add_scaled indexes one grid dimension. */
export const maxAddScaled = () => 65535 * addWg();

/** acc ← acc + c·ax over n elements (n ≤ maxAddScaled(), checked where the op is made). */
export function emitAddScaled(ctx: LowerCtx, ax: BufferRef, acc: BufferRef, n: number, c: number): void {
  ctx.dispatch({ kernel: addKernel, bind: { ax, acc }, uniforms: { n, c }, workgroups: Math.ceil(n / addWg()) });
}

/** The authors' skip threshold: keep H when sᵀy ≤ SKIP_EPS·sᵀs·‖g‖. */
export const SKIP_EPS = 1e-4;

/**
 * Counters a curvature update keeps on the GPU (u32 words): accepted updates, skipped ones,
 * double-damping step 1 active, step 2 active.
 */
export const DIAG_WORDS = 4;

/** out ← H·v for H [n, n] and a vector v [n] (a GEMV on the GEMM kernels). */
export function emitMatvec(ctx: LowerCtx, h: BufferRef, v: BufferRef, out: BufferRef, n: number): void {
  dispatchGemm(ctx, { a: h, b: v, c: out }, { batch: 1, m: n, n: 1, k: n }, { aBatch: 0, bBatch: 0 }, { transposeA: false, transposeB: false, activation: 'none' });
}

/** out ← (H + shift·I)·v: the damped product K-BFGS variant C builds its A-side pair with. */
export function emitShiftedMatvec(ctx: LowerCtx, h: BufferRef, v: BufferRef, out: BufferRef, n: number, shift: number): void {
  emitMatvec(ctx, h, v, out, n);
  emitAddScaled(ctx, v, out, n, shift);
}

/** (s_out, y_out) ← the double-damped (s, y), given hy = H·y (μ₂ ≤ 1). */
export function emitDoubleDamping(ctx: LowerCtx, refs: Record<'s' | 'y' | 'hy' | 's_out' | 'y_out' | 'diag', BufferRef>, n: number, mu1: number, mu2: number): void {
  ctx.dispatch({ kernel: ddKernel, bind: bindFor(ddKernel, refs), uniforms: { n, mu1, mu2 }, workgroups: 1 });
}

/** H ← BFGS(H, s, y) unless the skip test (with g) rejects the pair; hy and scal are scratch. */
export function emitBfgsUpdate(ctx: LowerCtx, refs: { h: BufferRef; s: BufferRef; y: BufferRef; g: BufferRef; diag: BufferRef }, n: number): void {
  const hy = ctx.scratch(n * 4);
  const scal = ctx.scratch(16);
  emitMatvec(ctx, refs.h, refs.y, hy, n);
  const all = { ...refs, hy, scal };
  const uniforms = { n, skip_eps: SKIP_EPS };
  ctx.dispatch({ kernel: coefKernel, bind: bindFor(coefKernel, all), uniforms, workgroups: 1 });
  ctx.dispatch({ kernel: rank2Kernel, bind: bindFor(rank2Kernel, all), uniforms, workgroups: grid1d(n * n) });
}

export function requireDampingParams(what: string, mu1: number, mu2: number): void {
  if (!(mu1 > 0 && mu1 < 1)) fail(`${what}: μ₁ = ${mu1} must be in (0, 1) (the authors use 0.2)`);
  if (!(mu2 > 0 && mu2 <= 1)) fail(`${what}: μ₂ = ${mu2} must be in (0, 1]; clamp √λ to 1 for λ > 1`);
}

function checkPair(what: string, n: number, vectors: Record<string, Tensor>, diag: Tensor): void {
  for (const [name, t] of Object.entries(vectors)) requireShape(what, name, t, [n]);
  requireShape(what, 'diag', diag, [DIAG_WORDS], 'u32');
  requireLeaf(what, 'diag', diag);
}

/**
 * h [n, n] ← (I − ρsyᵀ) h (I − ρysᵀ) + ρssᵀ in place, unless sᵀy ≤ 0, sᵀy ≤ 1e-4·sᵀs·‖g‖ or
 * the update could overflow (then h is kept). diag (u32 [4]) counts accepted / skipped updates.
 */
export function bfgsUpdate(h: Tensor, s: Tensor, y: Tensor, g: Tensor, diag: Tensor): void {
  const what = 'bfgsUpdate';
  const n = s.shape[0]!;
  requireShape(what, 'h', h, [n, n]);
  requireLeaf(what, 'h', h);
  checkPair(what, n, { s, y, g }, diag);
  recordEffect(what, { h, s, y, g, diag }, (ctx, r) => emitBfgsUpdate(ctx, { h: r.h!, s: r.s!, y: r.y!, g: r.g!, diag: r.diag! }, n));
}

/**
 * out ← the pair (s, y) double-damped for the inverse Hessian approximation h (dense [n, n]):
 * Powell's step with μ₁, then the Levenberg–Marquardt step with μ₂ ≤ 1.
 * diag[2] / diag[3] count the active steps.
 */
export function doubleDamp(h: Tensor, pair: { s: Tensor; y: Tensor }, out: { s: Tensor; y: Tensor }, diag: Tensor, mu1: number, mu2: number): void {
  const what = 'doubleDamp';
  const n = pair.s.shape[0]!;
  requireDampingParams(what, mu1, mu2);
  requireShape(what, 'h', h, [n, n]);
  checkPair(what, n, { s: pair.s, y: pair.y, 'out.s': out.s, 'out.y': out.y }, diag);
  requireLeaf(what, 'out.s', out.s);
  requireLeaf(what, 'out.y', out.y);
  recordEffect(what, { h, s: pair.s, y: pair.y, s_out: out.s, y_out: out.y, diag }, (ctx, r) => {
    const hy = ctx.scratch(n * 4);
    emitMatvec(ctx, r.h!, r.y!, hy, n);
    emitDoubleDamping(ctx, { s: r.s!, y: r.y!, hy, s_out: r.s_out!, y_out: r.y_out!, diag: r.diag! }, n, mu1, mu2);
  });
}
