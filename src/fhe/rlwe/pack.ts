// The packing key switch, LWE → RLWE (Glyph part 2's return path; Chen–Dai–Kim–Song's
// "LWE-to-RLWE" functional key switching in its direct form). Many LWE samples (a_k, b_k) mod
// Q = q_base·…·q_(base+L−1) (in RNS, one row per limb), each with phase φ_k = b_k + <a_k, s> under an n-dimensional key s (the BGV ring
// key's coefficients after sample extraction, or any small key), land in chosen coefficients of
// one RLWE ciphertext under the ring key z:
//   c = Σ_k X^{pos_k}·(b_k, 0) + Σ_{j,t} A_{j,t}(X)·K_{j,t},   A_{j,t} = Σ_k d_t(a_{k,j})·X^{pos_k},
// with K_{j,t} an RLWE encryption under z of the constant s_j·2^(β·t) and d_t the balanced base-2^β
// digits of a (exact: Σ_t d_t·2^(βt) = a). Over several limbs the gadget is the RNS one: the
// digits of a's residue mod q_l, with a key row whose message is s_j·2^(βt) in limb l and 0 in
// the others (the CRT weight of q_l is 1 mod q_l and 0 mod the rest), so Σ digits·rows ≡ a·s_j
// mod Q with every digit small. Then c0 + c1·z = Σ_k φ_k·X^{pos_k} + Σ A_{j,t}·e_{j,t}:
// every chosen coefficient carries its LWE's phase plus key-switching noise, every other
// coefficient carries noise only. The sum over k is folded into the sparse polynomials A_{j,t},
// so a whole group costs n·L·d forward NTTs (of L limbs each), one key inner product and two inverse NTTs, however
// many LWEs it packs. The key has n·L·d + 1 rows of 2 polynomials (the last, (1, 0), carries b);
// it does not refresh noise: each phase keeps its LWE's noise, plus the switch's own.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import digitsSource from '../../../shaders/fhe/lwe-pack-digits.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mod } from '../arith/bigint.js';
import type { RnsContext } from '../rns/context.js';
import { rnsOp } from '../rns/kernel-op.js';
import { intt, ntt } from '../rns/ntt.js';
import { toMontgomery } from '../rns/poly.js';
import { gaussianPolys, uniformPolys } from './keyswitch.js';
import { encryptSymmetric, keyInnerProduct } from './ops.js';

export interface PackingKey {
  ring: RnsContext;
  /** The ring primes [base, base + limbs) the LWEs and the output live at. */
  base: number;
  limbs: number;
  /** Dimension n of the LWE key. */
  lweDimension: number;
  logBase: number;
  digits: number;
  /** [n·L·d + 1, 2, L, N]: NTT domain, Montgomery form (the key operand of keyInnerProduct). */
  key: Tensor;
}

interface DigitsAttrs {
  ring: RnsContext;
  n: number;
  limbs: number;
  digits: number;
  logBase: number;
  base: number;
}

const digitsOp = rnsOp<DigitsAttrs>({
  name: 'fhe.lwePackDigits',
  kernel: new Kernel({ name: 'fhe/lwe-pack-digits', source: [modarith, digitsSource] }),
  bind: ['lwe', 'slot', 'primes'],
  shape([lwe, slot], { ring, n, limbs, digits }) {
    if (lwe!.dtype !== 'u32' || lwe!.rank !== 3 || lwe!.shape[1] !== limbs || lwe!.shape[2] !== n + 1) {
      fail(`packLwe: LWE samples ${fmt(lwe!.shape)} must be u32 [K, limbs = ${limbs}, n + 1 = ${n + 1}]`);
    }
    return [slot!.numel / ring.n, n * limbs * digits + 1, limbs, ring.n];
  },
  uniforms: ([, slot], { ring, n, limbs, digits, logBase, base }) => ({
    rows: (slot!.numel / ring.n) * (n * limbs * digits + 1) * limbs, n, limbs, digits, log_base: logBase, base,
  }),
});

/** Checks the gadget: d digits of β bits, d·β covering every prime (else the top digit is not small). */
function checkGadget(ring: RnsContext, base: number, limbs: number, logBase: number, digits: number): void {
  ring.checkRange(base, limbs, 'packing key');
  const logQ = Math.max(...ring.primes.slice(base, base + limbs).map(Math.log2));
  if (!Number.isInteger(logBase) || logBase < 1 || logBase > 16 || !Number.isInteger(digits) || digits < 1 || logBase * digits < logQ) {
    fail(`packing key: ${digits} digits of ${logBase} bits must cover log2 q = ${logQ.toFixed(1)} (1 ≤ logBase ≤ 16)`);
  }
}

/**
 * The packing key for LWE key `lweKey` (small signed integers, e.g. the ring key's coefficients
 * read back by sample extraction) into the ring key z: z in the NTT domain, row sOff + i for
 * prime base + i (a BGV SecretKey's `s` with sOff = base). Client side: the key leaves it public.
 */
export async function generatePackingKey(
  ring: RnsContext,
  p: { base: number; limbs: number; z: Tensor; sOff: number; lweKey: ArrayLike<number>; logBase: number; digits: number },
): Promise<PackingKey> {
  const { base, limbs: L, logBase, digits } = p;
  checkGadget(ring, base, L, logBase, digits);
  const n = p.lweKey.length;
  const N = ring.n;
  const rows = n * L * digits;
  // Row (c·L + l)·d + t: the constant s_c·2^(βt) in limb l, 0 in the other limbs.
  const messages = new Uint32Array(rows * L * N);
  for (let c = 0; c < n; c++) {
    for (let l = 0; l < L; l++) {
      const q = BigInt(ring.primes[base + l]!);
      for (let t = 0; t < digits; t++) {
        const at = (((c * L + l) * digits + t) * L + l) * N;
        messages.fill(Number(mod(BigInt(p.lweKey[c]!) << BigInt(logBase * t), q)), at, at + N);
      }
    }
  }
  const rt = runtime();
  const encrypted = rt.tidy(() =>
    rt.keep(encryptSymmetric(ring, { a: uniformPolys(ring, [rows, L, N], base), s: p.z, e: gaussianPolys(ring, [rows], base, L), m: tensor(messages, [rows, L, N], 'u32') }, base, p.sOff, 1n)),
  );
  const words = new Uint32Array((rows + 1) * 2 * L * N);
  words.set((await encrypted.data()) as Uint32Array);
  encrypted.dispose();
  // The b row: the trivial encryption (1, 0); a constant polynomial is that constant at every NTT point.
  words.fill(1, rows * 2 * L * N, (rows * 2 + 1) * L * N);
  const key = rt.tidy(() => rt.keep(toMontgomery(ring, tensor(words, [rows + 1, 2, L, N], 'u32'), base)));
  return { ring, base, limbs: L, lweDimension: n, logBase, digits, key };
}

/** slot[g·N + x] = k + 1 for the k-th LWE (counted across groups in order) packed at x, else 0. */
export function packingSlots(n: number, positions: readonly (readonly number[])[]): Uint32Array {
  const slot = new Uint32Array(positions.length * n);
  let k = 0;
  positions.forEach((group, g) => {
    for (const x of group) {
      if (!Number.isInteger(x) || x < 0 || x >= n) fail(`packLwe: position ${x} of group ${g} is outside [0, N = ${n})`);
      if (slot[g * n + x] !== 0) fail(`packLwe: position ${x} appears twice in group ${g}; each coefficient takes one LWE`);
      slot[g * n + x] = ++k;
    }
  });
  return slot;
}

/**
 * LWE samples [K, L, n + 1] (residues mod the key's L primes, phase b + <a, s>) → RLWE
 * ciphertexts [G, 2, L, N] in the coefficient domain under the ring key, one per group of `positions`: group
 * g takes the next positions[g].length samples and puts sample k's phase at coefficient
 * positions[g][k]. Inputs must be reduced mod each prime (sampleExtract's outputs are).
 */
export function packLwe(key: PackingKey, lwe: Tensor, positions: readonly (readonly number[])[]): Tensor {
  const { ring, base } = key;
  const count = positions.reduce((s, g) => s + g.length, 0);
  if (positions.length === 0 || count !== lwe.shape[0]) fail(`packLwe: ${positions.length} groups place ${count} samples; give at least one group and one position per LWE sample (${lwe.shape[0]})`);
  const slots = packingSlots(ring.n, positions);
  return runtime().tidy(() => {
    const d = digitsOp([lwe, tensor(slots, [positions.length, ring.n], 'u32'), ring.primeRecords], { ring, n: key.lweDimension, limbs: key.limbs, digits: key.digits, logBase: key.logBase, base });
    return intt(ring, keyInnerProduct(ring, ntt(ring, d, base), key.key, base), base);
  });
}
