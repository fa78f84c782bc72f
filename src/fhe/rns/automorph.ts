// Galois automorphisms a(X) → a(X^g) on NTT-domain rows: a permutation of evaluation points
// (shaders/fhe/automorph.wgsl). Slot rotations and the row swap of BGV batching are these.
import source from '../../../shaders/fhe/automorph.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from './context.js';
import { rnsOp } from './kernel-op.js';

interface Attrs {
  ring: RnsContext;
  g: number;
}

const automorphOp = rnsOp<Attrs>({
  name: 'fhe.automorph',
  kernel: new Kernel({ name: 'fhe/automorph', source }),
  bind: ['x'],
  shape([x], { ring, g }) {
    if (!Number.isInteger(g) || g < 1 || g >= 2 * ring.n || g % 2 === 0) {
      fail(`automorph: Galois element ${g} must be odd and in [1, 2N = ${2 * ring.n})`);
    }
    if (x!.dtype !== 'u32' || x!.shape[x!.rank - 1] !== ring.n) fail(`automorph: ${x} must be u32 [..., N] with N = ${ring.n}`);
    return x!.shape;
  },
  uniforms: ([x], { ring, g }) => ({ rows: x!.numel / ring.n, g }),
});

/** σ_g(x) for NTT-domain rows of any basis (the permutation does not depend on the prime). */
export function automorph(ring: RnsContext, x: Tensor, g: number): Tensor {
  return automorphOp([x], { ring, g });
}
