// linear: y = act(x·wᵀ + bias) with PyTorch's weight layout, one fused GEMM dispatch forward.
// Its gradient comes from the GEMM op: with g' = g ⊙ act'(y), dX = g'·w, dW = g'ᵀ·x and
// dbias = the column sums of g' (g'ᵀ·1), three GEMMs that each apply act'(y) as they load g.
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fmt } from '../../tensor/shape.js';
import { ACTIVATIONS, type Activation } from './kernels.js';
import { gemm } from './matmul.js';

export type { Activation };

/** x [B, in] (or [B, T, in]), w [out, in], bias [out] → [B, out] (or [B, T, out]). */
export function linear(x: Tensor, w: Tensor, bias?: Tensor, activation: Activation = 'none'): Tensor {
  if (!ACTIVATIONS.has(activation)) fail(`linear: unknown activation '${activation}'; use one of ${ACTIVATIONS.names.join(', ')}`);
  if (w.rank !== 2) fail(`linear: w ${fmt(w.shape)} must be 2-D [out, in]`);
  if (x.shape.at(-1) !== w.shape[1]) {
    fail(`linear: x ${fmt(x.shape)} has ${x.shape.at(-1)} input features but w ${fmt(w.shape)} ([out, in]) expects ${w.shape[1]}`);
  }
  return gemm(x, w, { transposeA: false, transposeB: true, activation, caller: 'linear' }, bias);
}
