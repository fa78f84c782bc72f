// Sample extraction on the GPU (shaders/fhe/sample-extract.wgsl): chosen coefficients of RLWE
// ciphertexts over one prime, as LWE samples of dimension N under the ring key's coefficients.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import extractSource from '../../../shaders/fhe/sample-extract.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from '../rns/context.js';
import { rnsOp } from '../rns/kernel-op.js';

const extractOp = rnsOp<{ ring: RnsContext; count: number; base: number }>({
  name: 'fhe.sampleExtract',
  kernel: new Kernel({ name: 'fhe/sample-extract', source: [modarith, extractSource] }),
  bind: ['ct', 'idx', 'primes'],
  shape([ct], { ring, count }) {
    const s = ct!.shape;
    if (ct!.dtype !== 'u32' || ct!.rank !== 4 || s[1] !== 2 || s[2] !== 1 || s[3] !== ring.n) {
      fail(`sampleExtract: ${ct} must be u32 [B, 2, 1, N] (two parts, one prime, coefficient form) with N = ${ring.n}`);
    }
    return [s[0]!, count, ring.n + 1];
  },
  uniforms: ([ct], { count, base }) => ({ rows: ct!.shape[0]! * count, count, base }),
});

/**
 * LWE samples [B, K, N + 1] (a_0..a_{N−1}, b) with b + <a, s> = (c0 + c1·s)[c] mod q for each
 * index c of `indices`, from ciphertexts [B, 2, 1, N] in coefficient form over ring prime `base`.
 */
export function sampleExtract(ring: RnsContext, ct: Tensor, indices: readonly number[], base: number): Tensor {
  if (indices.length === 0) fail('sampleExtract: give at least one coefficient index');
  for (const c of indices) if (!Number.isInteger(c) || c < 0 || c >= ring.n) fail(`sampleExtract: coefficient ${c} is outside [0, N = ${ring.n})`);
  if (!Number.isInteger(base) || base < 0 || base >= ring.size) fail(`sampleExtract: prime index ${base} is outside the ring's ${ring.size} primes`);
  return runtime().tidy(() => extractOp([ct, tensor(Uint32Array.from(indices), [indices.length], 'u32'), ring.primeRecords], { ring, count: indices.length, base }));
}
