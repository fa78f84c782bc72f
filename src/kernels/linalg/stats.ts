// Batch means for K-BFGS's curvature pairs (shaders/linalg/stats.wgsl).
import source from '../../../shaders/linalg/stats.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { Tensor, LowerCtx } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { matrixDims, recordEffect, requireLeaf, requireShape } from './effect.js';

const meanKernel = new Kernel({ name: 'linalg/col-mean', source, entry: 'col_mean' });
const pairKernel = new Kernel({ name: 'linalg/pair', source, entry: 'pair' });

/** out ← scale · column means of x [m, cols] (and a trailing 1 when homogeneous). */
export function emitColumnMean(ctx: LowerCtx, x: BufferRef, out: BufferRef, m: number, cols: number, scale: number, homogeneous = false): void {
  ctx.dispatch({
    kernel: meanKernel,
    constants: { HOMOGENEOUS: homogeneous ? 1 : 0 },
    bind: { x, out },
    uniforms: { m, cols, scale },
    workgroups: Math.ceil((cols + 1) / meanKernel.defaultWorkgroupSize[0]),
  });
}

/**
 * out [cols (+1)] ← scale · (column means of x [m, cols]), with a trailing 1 when homogeneous
 * (h̄ of the input [h; 1]).
 */
export function columnMean(out: Tensor, x: Tensor, scale: number, homogeneous = false): void {
  const what = 'columnMean';
  const [m, cols] = matrixDims(what, 'x', x);
  requireShape(what, 'out', out, [cols + (homogeneous ? 1 : 0)]);
  requireLeaf(what, 'out', out);
  recordEffect(what, { x, out }, (ctx, r) => emitColumnMean(ctx, r.x!, r.out!, m, cols, scale, homogeneous));
}

/** s ← keep·s + (1 − keep)·(aMean − aNew); y likewise from the g means. */
export function emitPair(ctx: LowerCtx, refs: Record<'a_mean' | 'g_mean' | 'a_new' | 'g_new' | 's' | 'y', BufferRef>, n: number, keep: number): void {
  ctx.dispatch({ kernel: pairKernel, bind: refs, uniforms: { n, keep }, workgroups: Math.ceil(n / pairKernel.defaultWorkgroupSize[0]) });
}

/**
 * The curvature pair from batch means before and after a step, smoothed:
 * s ← keep·s + (1 − keep)·(aMean − aNew), y ← keep·y + (1 − keep)·(gMean − gNew); keep = 0
 * takes the raw pair (all vectors [n]; s and y are leaves updated in place).
 */
export function curvaturePair(s: Tensor, y: Tensor, means: Record<'aMean' | 'gMean' | 'aNew' | 'gNew', Tensor>, keep: number): void {
  const what = 'curvaturePair';
  const n = s.shape[0]!;
  for (const [name, t] of Object.entries({ s, y, ...means })) requireShape(what, name, t, [n]);
  requireLeaf(what, 's', s);
  requireLeaf(what, 'y', y);
  if (!(keep >= 0 && keep < 1)) fail(`${what}: keep = ${keep} must be in [0, 1)`);
  const tensors = { a_mean: means.aMean, g_mean: means.gMean, a_new: means.aNew, g_new: means.gNew, s, y };
  recordEffect(what, tensors, (ctx, r) => emitPair(ctx, r as Record<keyof typeof tensors, BufferRef>, n, keep));
}
