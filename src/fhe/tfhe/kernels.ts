// The blind-rotation kernels that part 1 does not already have: the starting accumulator, the
// rotate-subtract-decompose half of a CMux step, and sample extraction. The other half of a
// step (forward NTT, key inner product, inverse NTT, add) is part 1's rns/ntt.ts,
// rlwe/ops.ts keyInnerProduct and rns/poly.ts polyAdd. Kernels: shaders/fhe/tfhe-*.wgsl.
import modarith from '../../../shaders/fhe/modarith.wgsl';
import rotate from '../../../shaders/fhe/negacyclic-rotate.wgsl';
import cmuxSource from '../../../shaders/fhe/cmux-decompose.wgsl';
import initSource from '../../../shaders/fhe/accumulator-init.wgsl';
import extractSource from '../../../shaders/fhe/tfhe-sample-extract.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { lweDimension } from '../lwe/kernels.js';
import { flatOp } from '../lwe/kernel-op.js';
import type { RnsContext } from '../rns/context.js';
import { rnsOp } from '../rns/kernel-op.js';

const kernel = (name: string, source: string) => new Kernel({ name: `fhe/${name}`, source: [modarith, rotate, source] });

/** Checks an accumulator batch [B, 2, 1, N] on the ring and returns B. */
export function accumulatorBatch(ring: RnsContext, acc: Tensor, what: string): number {
  if (acc.dtype !== 'u32' || acc.rank !== 4 || acc.shape[1] !== 2 || acc.shape[2] !== 1 || acc.shape[3] !== ring.n) {
    fail(`${what}: RLWE ciphertexts ${fmt(acc.shape)} must be u32 [B, 2, 1, N = ${ring.n}] (one prime, coefficient domain)`);
  }
  return acc.shape[0]!;
}

interface InitAttrs {
  ring: RnsContext;
  base: number;
}

const initOp = rnsOp<InitAttrs>({
  name: 'fhe.tfheAccumulatorInit',
  kernel: kernel('accumulator-init', initSource),
  bind: ['lwe', 'tv', 'table', 'primes'],
  shape([lwe, tv, table], { ring }) {
    const B = lwe!.shape[0]!;
    lweDimension(lwe!, 'blindRotate');
    if (tv!.dtype !== 'u32' || tv!.rank !== 2 || tv!.shape[1] !== ring.n) fail(`blindRotate: test polynomials ${fmt(tv!.shape)} must be u32 [T, N = ${ring.n}]`);
    if (table!.dtype !== 'u32' || table!.numel !== B) fail(`blindRotate: table indices ${fmt(table!.shape)} must be u32 [${B}], one per input`);
    return [B, 2, 1, ring.n];
  },
  uniforms: ([lwe, tv], { base }) => ({ rows: 2 * lwe!.shape[0]!, n: lwe!.shape[1]! - 1, limbs: 1, tables: tv!.shape[0]!, base }),
});

/**
 * Starting accumulators (X^{-b~}·TV_table, 0) [B, 2, 1, N] for LWE inputs switched to [0, 2N)
 * [B, n + 1], test polynomials tv [T, N] (residues mod the ring's prime `base`) and one table
 * index per input (u32 [B]).
 */
export function accumulatorInit(ring: RnsContext, lwe2N: Tensor, tv: Tensor, tables: Tensor, base: number): Tensor {
  return initOp([lwe2N, tv, tables, ring.primeRecords], { ring, base });
}

interface CmuxAttrs extends InitAttrs {
  step: number;
  digits: number;
  logBase: number;
}

const cmuxOp = rnsOp<CmuxAttrs>({
  name: 'fhe.tfheCmuxDecompose',
  kernel: kernel('cmux-decompose', cmuxSource),
  bind: ['acc', 'lwe', 'primes'],
  shape([acc, lwe], { ring, step, digits }) {
    const B = accumulatorBatch(ring, acc!, 'blindRotate');
    const n = lweDimension(lwe!, 'blindRotate');
    if (lwe!.shape[0] !== B || step < 0 || step >= n) fail(`blindRotate: step ${step} of ${n} for ${B} accumulators and LWE inputs ${fmt(lwe!.shape)}`);
    return [B, 2 * digits, 1, ring.n];
  },
  uniforms: ([acc, lwe], { base, step, digits, logBase }) => ({
    rows: acc!.shape[0]! * 2 * digits, n: lwe!.shape[1]! - 1, limbs: 1, step, digits, log_base: logBase, base,
  }),
});

/** Balanced gadget digits of X^{a~_step}·ACC − ACC: [B, 2, 1, N] → [B, 2·digits, 1, N] (row part·digits + t). */
export function cmuxDecompose(ring: RnsContext, acc: Tensor, lwe2N: Tensor, p: { step: number; digits: number; logBase: number; base: number }): Tensor {
  return cmuxOp([acc, lwe2N, ring.primeRecords], { ring, ...p });
}

interface ExtractAttrs {
  ring: RnsContext;
  base: number;
}

const extractOp = flatOp<ExtractAttrs>({
  name: 'fhe.sampleExtract',
  kernel: kernel('tfhe-sample-extract', extractSource),
  bind: ['acc', 'ks', 'primes'],
  shape([acc, ks], { ring }) {
    const B = accumulatorBatch(ring, acc!, 'sampleExtract');
    return [B, ks!.numel, ring.n + 1];
  },
  uniforms: ([, ks], { ring, base }) => ({ log_n: ring.logN, count: ks!.numel, base }),
});

/**
 * LWE ciphertexts [B, K, N + 1] (mod the prime `base`, under the ring key read as a vector) of
 * coefficients `coefficients` of RLWE ciphertexts acc [B, 2, 1, N] in the coefficient domain.
 * A BGV ciphertext qualifies after selectLimb (one prime) and intt.
 */
export function sampleExtract(ring: RnsContext, acc: Tensor, base: number, coefficients: readonly number[]): Tensor {
  ring.checkRange(base, 1, 'sampleExtract');
  if (coefficients.length === 0) fail('sampleExtract: give at least one coefficient index');
  for (const k of coefficients) if (!Number.isInteger(k) || k < 0 || k >= ring.n) fail(`sampleExtract: coefficient ${k} is outside [0, N = ${ring.n})`);
  return runtime().tidy(() => extractOp([acc, tensor(Uint32Array.from(coefficients), [coefficients.length], 'u32'), ring.primeRecords], { ring, base }));
}
