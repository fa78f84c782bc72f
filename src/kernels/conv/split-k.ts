// Split-K for the convolution's long reductions (weight and bias gradients sum over N·OH·OW
// for only O·C·kh·kw or O outputs): stage 1 sums chunks of the reduction into a partials
// buffer [splits, outputs], stage 2 adds the chunks in order: the GEMM's split-K second pass
// (dispatchSplitKSum, shaders/gemm/split-k-sum.wgsl), which reads exactly that layout. One pass
// would leave a few hundred threads each summing 10⁵ products; the split keeps the whole GPU
// (or every lavapipe core) busy and the per-thread sums short.
import type { BufferRef } from '../../device/dispatch.js';
import type { LowerCtx } from '../../tensor/tensor.js';
import { dispatchSplitKSum } from '../gemm/kernels.js';

/**
 * Stage-1 threads to aim for: enough to fill a GPU's cores several times over; more would
 * only add partials for stage 2 to read.
 */
const STAGE1_THREADS = 8192;

export interface SplitPlan {
  splits: number;
  /** Reduction rows each split sums (the last split may have fewer). */
  rowsPerSplit: number;
}

/** How to cut `rows` reduction rows when each split needs `threadsPerSplit` threads. */
export function planSplits(rows: number, threadsPerSplit: number): SplitPlan {
  const wanted = Math.max(1, Math.min(rows, Math.ceil(STAGE1_THREADS / threadsPerSplit)));
  const rowsPerSplit = Math.ceil(rows / wanted);
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

/**
 * Runs a split-K reduction: `stage1(dst)` writes [splits, outputs] partial sums to dst; with
 * one split they go straight to `out`, else into scratch that stage 2 sums into `out`.
 */
export function splitK(ctx: LowerCtx, plan: SplitPlan, outputs: number, out: BufferRef, stage1: (dst: BufferRef) => void): void {
  if (plan.splits === 1) {
    stage1(out);
    return;
  }
  const partials = ctx.scratch(plan.splits * outputs * 4);
  stage1(partials);
  dispatchSplitKSum(ctx, { partial: partials, c: out }, { batch: 1, m: 1, n: outputs, splits: plan.splits });
}
