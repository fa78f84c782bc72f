// The bootstrapping key: for every bit s_i of the LWE key, RGSW(s_i) under the ring key z, as
// 2·d_g RLWE rows (part, t) with phase e + s_i·g_t·(1 if part = 0 else z), g_t = B_g^t mod Q.
// Rows are part 1's symmetric RLWE encryptions (rlwe/ops.ts, t = 1) of that message with a
// uniform mask: for part 1 the message s_i·g_t·z under mask a is distributed exactly as the
// textbook (−a·z + e, a + s_i·g_t). Stored per step as [2·d_g, 2, 1, N] in the NTT domain and
// Montgomery form, the key operand of keyInnerProduct.
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { nttForward } from '../arith/ntt-cpu.js';
import { mod } from '../arith/bigint.js';
import { gaussianPolys, uniformPolys } from '../rlwe/keyswitch.js';
import { encryptSymmetric } from '../rlwe/ops.js';
import type { RnsContext } from '../rns/context.js';
import { toMontgomery } from '../rns/poly.js';
import type { TfheParameters } from './params.js';

/** The ring key z (signed coefficients) as NTT-domain residues mod Q, u32 [N]. */
export function ringKeyNtt(ring: RnsContext, z: Int32Array): Uint32Array {
  const q = ring.primes[0]!;
  const words = Uint32Array.from(z, (v) => (v < 0 ? q + v : v));
  nttForward(words, ring.tables[0]!);
  return words;
}

/** RGSW messages for bit `bit`: [2·d_g, 1, N] words, row t = s·g_t, row d_g + t = s·g_t·ẑ (NTT domain). */
function rgswMessages(p: TfheParameters, zHat: Uint32Array, bit: number): Uint32Array {
  const N = p.ringDegree;
  const Q = BigInt(p.ringPrime);
  const out = new Uint32Array(2 * p.gadgetDigits * N);
  if (bit === 0) return out;
  for (let t = 0; t < p.gadgetDigits; t++) {
    const g = mod(1n << BigInt(p.gadgetLogBase * t), Q);
    out.fill(Number(g), t * N, (t + 1) * N);
    for (let x = 0; x < N; x++) out[(p.gadgetDigits + t) * N + x] = Number((g * BigInt(zHat[x]!)) % Q);
  }
  return out;
}

/** One RGSW step key per LWE key bit, each u32 [2·d_g, 2, 1, N] (NTT, Montgomery), kept on the GPU. */
export function generateBootstrapKey(ring: RnsContext, p: TfheParameters, lweKey: Uint32Array, z: Int32Array): Tensor[] {
  const zHat = ringKeyNtt(ring, z);
  const rows = 2 * p.gadgetDigits;
  return runtime().tidy(() => {
    const s = tensor(zHat, [1, ring.n], 'u32');
    return Array.from(lweKey, (bit) =>
      runtime().tidy(() => {
        const m = tensor(rgswMessages(p, zHat, bit), [rows, 1, ring.n], 'u32');
        const a = uniformPolys(ring, [rows, 1, ring.n], 0);
        const e = gaussianPolys(ring, [rows], 0, 1);
        return runtime().keep(toMontgomery(ring, encryptSymmetric(ring, { a, s, e, m }, 0, 0, 1n), 0));
      }),
    );
  });
}
