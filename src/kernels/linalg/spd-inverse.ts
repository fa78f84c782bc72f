// Damped SPD inversion (A + shift·I)⁻¹ on the GPU by blocked Gauss–Jordan elimination
// (shaders/linalg/spd-inverse.wgsl).
//
// Why this method: K-FAC and K-BFGS invert damped factors A + λI that are SPD by construction
// (a moving average of Gram matrices plus λ > 0), of sizes from 2 to ~2000, every T steps.
// Gauss–Jordan without pivoting is exact in n³ flops (as is Cholesky plus a triangular inverse
// plus a product, in three different kernels), needs no pivot search, and its pivots are the
// LDLᵀ pivots, so SPD-ness is checked for free. Blocked by 32, almost all of the work is one
// register-tiled rank-32 update per block (3 dispatches a block: 99 for n = 1025), and it
// runs a fixed number of steps, unlike Newton–Schulz, whose iteration count grows with the
// condition number and which needs ~2 GEMMs (4n³ flops) per iteration.
// Not-SPD input: status gets the first bad pivot; readInverseStatus() turns it into an error.
import source from '../../../shaders/linalg/spd-inverse.wgsl';
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { wgslConstants } from '../../device/codes.js';
import { Kernel } from '../../device/kernel.js';
import { bindFor, matrixDims, recordEffect, requireLeaf, requireShape, type Emit } from './effect.js';

/** Block size and trailing tile side (BS in the shader). */
export const INVERSE_BLOCK = 32;

const sources = [wgslConstants('INVERSE', { block: INVERSE_BLOCK }), source];
const kernel = (entry: string) => new Kernel({ name: `linalg/spd-inverse/${entry}`, source: sources, entry });
const shiftedCopy = kernel('shifted_copy');
const pivot = kernel('pivot');
const rowPanel = kernel('row_panel');
const trailing = kernel('trailing');

/** Emits target ← (source + shift[0]·I)⁻¹ for an [n, n] source; status [1] u32 gets 0 or the first bad pivot + 1. */
export function emitSpdInverse(n: number): Emit {
  return (ctx, refs) => {
    const panel = ctx.scratch(n * INVERSE_BLOCK * 4);
    const all = { a: refs.source!, inv: refs.target!, shift: refs.shift!, status: refs.status!, panel };
    const tiles = Math.ceil(n / INVERSE_BLOCK);
    ctx.dispatch({ kernel: shiftedCopy, bind: bindFor(shiftedCopy, all), uniforms: { n, k0: 0 }, workgroups: grid1d(n * n) });
    for (let k0 = 0; k0 < n; k0 += INVERSE_BLOCK) {
      const bs = Math.min(INVERSE_BLOCK, n - k0);
      const uniforms = { n, k0 };
      ctx.dispatch({ kernel: pivot, bind: bindFor(pivot, all), uniforms, workgroups: 1 + Math.ceil((n * bs) / pivot.defaultWorkgroupSize[0]) });
      if (n > bs) {
        ctx.dispatch({ kernel: rowPanel, bind: bindFor(rowPanel, all), uniforms, workgroups: Math.ceil(n / rowPanel.defaultWorkgroupSize[0]) });
        ctx.dispatch({ kernel: trailing, bind: bindFor(trailing, all), uniforms, workgroups: [tiles, tiles] });
      }
    }
  };
}

/**
 * target ← (source + shift[0]·I)⁻¹ for a symmetric positive definite source [n, n] (n ≥ 1).
 * `shift` is an f32 [1] tensor (the damping λ, on the GPU so it can be computed there);
 * `status` a u32 [1] leaf that gets 0, or k + 1 when pivot k was not a positive finite number
 * (the matrix is not SPD, or too ill-conditioned for f32): check it with readInverseStatus().
 */
export function invertSpd(target: Tensor, source: Tensor, shift: Tensor, status: Tensor): void {
  const what = 'invertSpd';
  const [n, cols] = matrixDims(what, 'source', source);
  if (n !== cols) fail(`${what}: source is ${n}×${cols}; only square matrices can be inverted`);
  requireShape(what, 'target', target, [n, n]);
  requireLeaf(what, 'target', target);
  if (target === source) fail(`${what}: target and source must be different tensors (the source is kept)`);
  requireShape(what, 'shift', shift, [1]);
  requireShape(what, 'status', status, [1], 'u32');
  requireLeaf(what, 'status', status);
  recordEffect(what, { source, target, shift, status }, emitSpdInverse(n));
}

/** Reads an inversion's status and fails with what to do when the matrix was not SPD. */
export async function readInverseStatus(status: Tensor, what: string): Promise<void> {
  const code = (await status.data())[0]!;
  if (code !== 0) {
    fail(
      `${what}: the damped matrix is not positive definite: pivot ${code - 1} of the Gauss–Jordan ` +
        `elimination is not a positive finite number, so the inverse is meaningless. If the ` +
        `matrix holds NaN or inf, the run has diverged (lower the learning rate); otherwise raise the damping λ.`,
    );
  }
}
