// Kronecker-factor statistics f ← coef[0]·f + coef[1]·scale·X̃ᵀX̃ in place
// (shaders/linalg/factor-stats.wgsl): K-FAC's and K-BFGS's A = E[h̃h̃ᵀ] (X = the layer's
// inputs, homogeneous column of ones for the bias) and K-FAC's G = E[g gᵀ].
import source from '../../../shaders/linalg/factor-stats.wgsl';
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { matrixDims, recordEffect, requireLeaf, requireShape } from './effect.js';

const kernel = new Kernel({ name: 'linalg/factor-stats', source });
/** Side of the output tile one workgroup computes: T×T threads, 4×4 outputs each (read on first use). */
const tile = () => 4 * kernel.defaultWorkgroupSize[0];

export interface FactorStatsOptions {
  /** Append a column of ones to X (the homogeneous input [h; 1] of a layer with a bias). */
  homogeneous: boolean;
  /** Multiplies X̃ᵀX̃: 1/m for a mean over a batch of m rows, m for gradients of a mean loss. */
  scale: number;
}

/**
 * factor [n, n] ← coef[0]·factor + coef[1]·scale·X̃ᵀX̃ with X [m, cols], n = cols (+1 when
 * homogeneous). `coef` is an f32 [2] leaf the caller rewrites between plan runs (e.g. [1, 1/B]
 * to sum a warm start over B batches, [β, 1 − β] for the moving average); coef[0] = 0
 * overwrites the factor without reading it. The factor is read and written as a symmetric
 * matrix (its upper triangle is the source; both halves are written).
 */
export function accumulateFactor(factor: Tensor, x: Tensor, coef: Tensor, opts: FactorStatsOptions): void {
  const what = 'accumulateFactor';
  const [m, cols] = matrixDims(what, 'x', x);
  const n = cols + (opts.homogeneous ? 1 : 0);
  requireShape(what, 'factor', factor, [n, n]);
  requireLeaf(what, 'factor', factor);
  requireShape(what, 'coef', coef, [2]);
  if (!Number.isFinite(opts.scale)) fail(`${what}: scale ${opts.scale} must be a finite number`);
  const tiles = Math.ceil(n / tile());
  recordEffect(what, { x, f: factor, coef }, (ctx, refs) =>
    ctx.dispatch({
      kernel,
      constants: { HOMOGENEOUS: opts.homogeneous ? 1 : 0 },
      bind: refs,
      uniforms: { m, cols, n, scale: opts.scale },
      workgroups: [tiles, tiles],
    }),
  );
}
