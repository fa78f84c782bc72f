// CGGI/GINX blind rotation with a binary LWE key, batched: every LWE input of the batch has its
// own accumulator, and each of the n CMux steps runs for the whole batch in five dispatches —
//   digits = decompose(X^{a~_i}·ACC − ACC)        (cmux-decompose.wgsl, L = 1)
//   ACC   += intt(keyInner(ntt(digits), BSK_i))   (part 1: ntt.wgsl, key-inner.wgsl, poly-binary.wgsl)
// so ACC's phase becomes X^{a~_i·s_i}·phase at every step and X^{−(b~ − <a~, s>)}·TV at the end.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { lweDimension } from '../lwe/kernels.js';
import { keyInnerProduct } from '../rlwe/ops.js';
import type { RnsContext } from '../rns/context.js';
import { intt, ntt } from '../rns/ntt.js';
import { polyAdd } from '../rns/poly.js';
import { accumulatorInit, cmuxDecompose } from './kernels.js';
import type { TfheParameters } from './params.js';

export interface BlindRotationKey {
  params: TfheParameters;
  /** The ring of the accumulator: degree N, prime 0 = Q. */
  ring: RnsContext;
  /** One RGSW per LWE key bit, [2·d_g, 2, 1, N] (NTT domain, Montgomery form). */
  bootstrapKey: readonly Tensor[];
}

/**
 * Blind rotation of LWE inputs already switched to [0, 2N) (u32 [B, n + 1]) with test
 * polynomials tv [T, N]; input c uses tv[tables[c]] (default: all use tv[0]).
 * → accumulators [B, 2, 1, N], RLWE under the ring key, coefficient domain mod Q.
 */
export function blindRotate(key: BlindRotationKey, lwe2N: Tensor, tv: Tensor, tables?: readonly number[]): Tensor {
  const { params: p, ring, bootstrapKey } = key;
  const n = lweDimension(lwe2N, 'blindRotate', bootstrapKey.length);
  const B = lwe2N.shape[0]!;
  const indices = tables ?? new Array<number>(B).fill(0);
  if (indices.length !== B || indices.some((t) => !Number.isInteger(t) || t < 0 || t >= tv.shape[0]!)) {
    fail(`blindRotate: give one table index in [0, ${tv.shape[0]}) per input (${B}), got ${indices.length}`);
  }
  const rt = runtime();
  let acc = rt.tidy(() => rt.keep(accumulatorInit(ring, lwe2N, tv, tensor(Uint32Array.from(indices), [B], 'u32'), 0)));
  for (let i = 0; i < n; i++) {
    const next = rt.tidy(() => {
      const digits = ntt(ring, cmuxDecompose(ring, acc, lwe2N, { step: i, digits: p.gadgetDigits, logBase: p.gadgetLogBase, base: 0 }), 0);
      return rt.keep(polyAdd(ring, acc, intt(ring, keyInnerProduct(ring, digits, bootstrapKey[i]!, 0), 0), 0));
    });
    acc.dispose();
    acc = next;
  }
  return acc;
}
