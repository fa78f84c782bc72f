// How a loss's terms (one per row or per element) become its output, shared by every loss:
// 'none' writes the terms as the output; 'sum' and 'mean' write them to a scratch buffer
// and reduce it with one more dispatch (shaders/loss/sum.wgsl), or, for a loss whose kernel
// can also total its terms in one workgroup, in that one dispatch when there are few terms.
// Backward kernels receive the output gradient for term i as g[i * g_stride] * scale.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/loss/sum.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { LowerCtx } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const sumKernel = new Kernel({ name: 'loss/sum', source: [nan, FAULTS_WGSL, source] });

export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(op: string, reduction: string): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    fail(`${op}: reduction '${reduction}' is not one of 'mean', 'sum', 'none'`);
  }
  return reduction;
}

/** The loss's shape: that of its terms for 'none', one element otherwise. */
export function reducedShape(reduction: Reduction, terms: readonly number[]): readonly number[] {
  return reduction === 'none' ? terms : [1];
}

/**
 * Up to this many terms, a loss kernel that can total its own terms does so in one workgroup
 * and one dispatch (each thread then computes at most 4 terms of a 64-thread workgroup: a
 * training batch of up to 256). Past it, the terms spread over many workgroups and sum.wgsl
 * adds them: a second dispatch, but all cores or SMs share the terms.
 */
export const ONE_DISPATCH_TERMS = 256;

/**
 * Writes the `count` loss terms with `emit`, then reduces them into the output unless 'none'.
 * `emitTotal`, where the loss has it, writes scale · Σ terms to `out` in one dispatch.
 */
export function lowerReduced(
  ctx: LowerCtx,
  reduction: Reduction,
  count: number,
  emit: (terms: BufferRef) => void,
  emitTotal?: (out: BufferRef, scale: number) => void,
): void {
  if (reduction === 'none') {
    emit(ctx.out);
    return;
  }
  const scale = reduction === 'mean' ? 1 / count : 1;
  if (emitTotal && count <= ONE_DISPATCH_TERMS) {
    emitTotal(ctx.out, scale);
    return;
  }
  const terms = ctx.scratch(count * 4);
  emit(terms);
  ctx.dispatch({ kernel: sumKernel, bind: { x: terms, out: ctx.out }, uniforms: { n: count, scale }, workgroups: 1 });
}

/** Uniforms telling a backward kernel how the output gradient reaches each of `count` terms. */
export function gradTerms(reduction: Reduction, count: number): { g_stride: number; scale: number } {
  return { g_stride: reduction === 'none' ? 1 : 0, scale: reduction === 'mean' ? 1 / count : 1 };
}
