// K-FAC's factored Tikhonov damping on the GPU (shaders/linalg/pi-damping.wgsl).
import source from '../../../shaders/linalg/pi-damping.wgsl';
import sumSource from '../../../shaders/linalg/workgroup-sum.wgsl';
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { matrixDims, recordEffect, requireLeaf, requireShape } from './effect.js';

const kernel = new Kernel({ name: 'linalg/pi-damping', source: [sumSource, source] });

/**
 * shiftA [1] ← π·√λ and shiftG [1] ← √λ/π with π = sqrt((tr(A)/dim A) / (tr(G)/dim G)) (Martens & Grosse
 * 2015, §6.3): the damping of A and of G. π falls back to 1 when not a positive finite number.
 */
export function piDamping(shiftA: Tensor, shiftG: Tensor, a: Tensor, g: Tensor, lambda: number): void {
  const what = 'piDamping';
  const [na] = matrixDims(what, 'A', a);
  const [ng] = matrixDims(what, 'G', g);
  requireShape(what, 'A', a, [na, na]);
  requireShape(what, 'G', g, [ng, ng]);
  for (const [name, t] of Object.entries({ shiftA, shiftG })) {
    requireShape(what, name, t, [1]);
    requireLeaf(what, name, t);
  }
  if (!(lambda > 0 && Number.isFinite(lambda))) fail(`${what}: damping λ = ${lambda} must be a positive number`);
  recordEffect(what, { fa: a, fg: g, shift_a: shiftA, shift_g: shiftG }, (ctx, refs) =>
    ctx.dispatch({ kernel, bind: refs, uniforms: { na, ng, sqrt_lambda: Math.sqrt(lambda) }, workgroups: 1 }),
  );
}
