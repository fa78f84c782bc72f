// LWE → BGV with fresh noise: a CGGI blind rotation whose accumulator lives in the BGV ring,
// under the BGV secret key z, at the BGV modulus Q_L = q_1·…·q_L (RNS limbs). For each torus LWE
// input (binary key s, n-dimensional) the accumulator starts as (X^{−b~}·TV, 0) and each of the
// n CMux steps adds RGSW(s_i) ⊡ (X^{a~_i}·ACC − ACC), batched over the inputs as in
// tfhe/blind-rotate.ts but over L limbs with the RNS gadget (cmux-decompose.wgsl). TV holds
// Δ·f(m) with Δ = (Q_L − 1)/t, so coefficient 0 ends as Δ·f(m) plus the rotation's noise, which is
// absolute (set by the gadget, the key's σ, n and N) and does not depend on how noisy the input
// LWE was: at Q_L ≈ 2^62 that is a fresh BGV-ready phase. Extraction (bgv-extract-constant.wgsl)
// and the packing key switch (rlwe/pack.ts, bgv/from-lwe.ts) then clear the other coefficients
// and place every result where the BGV layout wants it.
import accInitSource from '../../../shaders/fhe/accumulator-init.wgsl';
import cmuxSource from '../../../shaders/fhe/cmux-decompose.wgsl';
import extractSource from '../../../shaders/fhe/bgv-extract-constant.wgsl';
import modarith from '../../../shaders/fhe/modarith.wgsl';
import rotate from '../../../shaders/fhe/negacyclic-rotate.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mod } from '../arith/bigint.js';
import { lweDimension } from '../lwe/kernels.js';
import { flatOp } from '../lwe/kernel-op.js';
import { gaussianPolys, uniformPolys } from '../rlwe/keyswitch.js';
import { encryptSymmetric, keyInnerProduct } from '../rlwe/ops.js';
import type { RnsContext } from '../rns/context.js';
import { rnsOp } from '../rns/kernel-op.js';
import { intt, ntt } from '../rns/ntt.js';
import { polyAdd, toMontgomery } from '../rns/poly.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';
import type { SecretKey } from './keys.js';

const kernel = (name: string, source: string) => new Kernel({ name: `fhe/${name}`, source: [modarith, rotate, source] });

export interface BgvBootstrapKey {
  ring: RnsContext;
  /** Limbs L: the accumulator and the output live at Q_L = q_1·…·q_L. */
  level: number;
  logBase: number;
  digits: number;
  /** One RGSW(s_i) per LWE key bit, [2·L·d, 2, L, N] (NTT domain, Montgomery form). */
  steps: readonly Tensor[];
}

/** Checks an accumulator batch [B, 2, L, N] and returns B. */
function accumulators(ring: RnsContext, acc: Tensor, level: number): number {
  if (acc.dtype !== 'u32' || acc.rank !== 4 || acc.shape[1] !== 2 || acc.shape[2] !== level || acc.shape[3] !== ring.n) {
    fail(`bgvBlindRotate: accumulators ${fmt(acc.shape)} must be u32 [B, 2, L = ${level}, N = ${ring.n}]`);
  }
  return acc.shape[0]!;
}

interface RotateAttrs {
  ring: RnsContext;
  level: number;
}

const initOp = rnsOp<RotateAttrs>({
  name: 'fhe.bgvAccumulatorInit',
  kernel: kernel('accumulator-init', accInitSource),
  bind: ['lwe', 'tv', 'table', 'primes'],
  shape([lwe, tv, table], { ring, level }) {
    const B = lwe!.shape[0]!;
    lweDimension(lwe!, 'bgvBlindRotate');
    if (tv!.dtype !== 'u32' || tv!.rank !== 3 || tv!.shape[1] !== level || tv!.shape[2] !== ring.n) fail(`bgvBlindRotate: test polynomials ${fmt(tv!.shape)} must be u32 [T, L = ${level}, N = ${ring.n}]`);
    if (table!.numel !== B) fail(`bgvBlindRotate: give one table index per input (${B}), got ${table!.numel}`);
    return [B, 2, level, ring.n];
  },
  uniforms: ([lwe, tv], { level }) => ({ rows: lwe!.shape[0]! * 2 * level, n: lwe!.shape[1]! - 1, limbs: level, tables: tv!.shape[0]!, base: CIPHERTEXT_BASE }),
});

interface CmuxAttrs extends RotateAttrs {
  step: number;
  digits: number;
  logBase: number;
}

const cmuxOp = rnsOp<CmuxAttrs>({
  name: 'fhe.bgvCmuxDecompose',
  kernel: kernel('cmux-decompose', cmuxSource),
  bind: ['acc', 'lwe', 'primes'],
  shape([acc, lwe], { ring, level, step, digits }) {
    const B = accumulators(ring, acc!, level);
    const n = lweDimension(lwe!, 'bgvBlindRotate');
    if (lwe!.shape[0] !== B || step < 0 || step >= n) fail(`bgvBlindRotate: step ${step} of ${n} for ${B} accumulators and LWE inputs ${fmt(lwe!.shape)}`);
    return [B, 2 * level * digits, level, ring.n];
  },
  uniforms: ([acc, lwe], { level, step, digits, logBase }) => ({
    rows: acc!.shape[0]! * 2 * level * digits * level, n: lwe!.shape[1]! - 1, limbs: level, step, digits, log_base: logBase, base: CIPHERTEXT_BASE,
  }),
});

const extractOp = flatOp<RotateAttrs>({
  name: 'fhe.bgvExtractConstant',
  kernel: kernel('bgv-extract-constant', extractSource),
  bind: ['acc', 'primes'],
  shape([acc], { ring, level }) {
    return [accumulators(ring, acc!, level), level, ring.n + 1];
  },
  uniforms: (_, { ring, level }) => ({ log_n: ring.logN, limbs: level, base: CIPHERTEXT_BASE }),
});

/** Checks the gadget: d digits of β bits covering every prime of the level. */
function checkGadget(ctx: BgvContext, level: number, logBase: number, digits: number): void {
  if (!Number.isInteger(level) || level < 1 || level > ctx.maxLevel) fail(`BGV bootstrapping key: level ${level} must be in [1, ${ctx.maxLevel}]`);
  const logQ = Math.max(...ctx.params.ciphertextPrimes.slice(0, level).map(Math.log2));
  if (!Number.isInteger(logBase) || logBase < 1 || logBase > 16 || !Number.isInteger(digits) || digits < 1 || logBase * digits < logQ) {
    fail(`BGV bootstrapping key: ${digits} digits of ${logBase} bits must cover log2 q = ${logQ.toFixed(1)} (1 ≤ logBase ≤ 16)`);
  }
}

/**
 * RGSW(s_i) under the BGV key for every bit of the binary LWE key s, at level `level`: rows
 * (part, j, t) are RLWE encryptions of s_i·2^(βt)·(1 if part = 0 else z) in limb j and 0 in the
 * other limbs. Client side (it needs z); the result is public.
 */
export async function generateBgvBootstrapKey(ctx: BgvContext, sk: SecretKey, lweKey: ArrayLike<number>, p: { level: number; logBase: number; digits: number }): Promise<BgvBootstrapKey> {
  const { level: L, logBase, digits } = p;
  checkGadget(ctx, L, logBase, digits);
  const ring = ctx.ring;
  const N = ring.n;
  const zHat = (await sk.s.data()) as Uint32Array; // NTT domain, row = prime index
  const rows = 2 * L * digits;
  const rt = runtime();
  const steps = Array.from(lweKey, (bit) => {
    if (bit !== 0 && bit !== 1) fail(`generateBgvBootstrapKey: the LWE key must be binary, found ${bit}`);
    const m = new Uint32Array(rows * L * N);
    if (bit === 1) {
      for (let part = 0; part < 2; part++) {
        for (let j = 0; j < L; j++) {
          const q = BigInt(ring.primes[CIPHERTEXT_BASE + j]!);
          for (let t = 0; t < digits; t++) {
            const g = mod(1n << BigInt(logBase * t), q);
            const at = ((((part * L + j) * digits + t) * L) + j) * N;
            if (part === 0) m.fill(Number(g), at, at + N);
            else for (let x = 0; x < N; x++) m[at + x] = Number((g * BigInt(zHat[(CIPHERTEXT_BASE + j) * N + x]!)) % q);
          }
        }
      }
    }
    return rt.tidy(() =>
      rt.keep(
        toMontgomery(
          ring,
          encryptSymmetric(ring, { a: uniformPolys(ring, [rows, L, N], CIPHERTEXT_BASE), s: sk.s, e: gaussianPolys(ring, [rows], CIPHERTEXT_BASE, L), m: tensor(m, [rows, L, N], 'u32') }, CIPHERTEXT_BASE, CIPHERTEXT_BASE, 1n),
          CIPHERTEXT_BASE,
        ),
      ),
    );
  });
  return { ring, level: L, logBase, digits, steps };
}

/**
 * Test polynomials [T, L, N] at Q_L for tables f on a p-bit message space (with one padding
 * bit): box m (of 2^p, N/2^p coefficients, shifted by half a box) holds Δ·f(m) with
 * Δ = (Q_L − 1)/t; f(m) is any integer (reduced mod t). The half box below 0 holds −Δ·f(0)
 * (negacyclic), so an input with the padding bit set reads −f(m − 2^p), as hybrid/tables.ts's pbs.
 */
export function bgvTestPolynomials(ctx: BgvContext, level: number, messageBits: number, tables: readonly ArrayLike<number>[]): Tensor {
  const N = ctx.n;
  const count = 2 ** messageBits;
  if (!Number.isInteger(messageBits) || messageBits < 1 || count > N / 2) fail(`bgvTestPolynomials: messageBits = ${messageBits} needs 1 ≤ p and 2^p ≤ N/2 = ${N / 2}`);
  const primes = ctx.params.ciphertextPrimes.slice(0, level).map(BigInt);
  const Q = primes.reduce((a, b) => a * b, 1n);
  const delta = (Q - 1n) / ctx.t;
  const box = N / count;
  const words = new Uint32Array(tables.length * level * N);
  tables.forEach((f, k) => {
    if (f.length !== count) fail(`bgvTestPolynomials: table ${k} has ${f.length} entries; a ${messageBits}-bit space needs ${count}`);
    for (let x = 0; x < N; x++) {
      const m = Math.floor((x + box / 2) / box);
      const value = m < count ? BigInt(f[m]!) : -BigInt(f[0]!);
      primes.forEach((q, l) => (words[(k * level + l) * N + x] = Number(mod(delta * value, q))));
    }
  });
  return tensor(words, [tables.length, level, N], 'u32', 'fhe/bgv-test-polynomials');
}

/**
 * Blind rotation at the BGV modulus of LWE inputs already switched to [0, 2N) (u32 [B, n + 1]),
 * input c using tv[tables[c]] ([T, L, N]; default all tv[0]) → accumulators [B, 2, L, N] under
 * the BGV key, coefficient domain, coefficient 0 ≈ Δ·f(m).
 */
export function bgvBlindRotate(key: BgvBootstrapKey, lwe2N: Tensor, tv: Tensor, tables?: readonly number[]): Tensor {
  const { ring, level, steps } = key;
  const n = lweDimension(lwe2N, 'bgvBlindRotate', steps.length);
  const B = lwe2N.shape[0]!;
  const indices = tables ?? new Array<number>(B).fill(0);
  if (indices.length !== B || indices.some((t) => !Number.isInteger(t) || t < 0 || t >= tv.shape[0]!)) fail(`bgvBlindRotate: give one table index in [0, ${tv.shape[0]}) per input (${B})`);
  const rt = runtime();
  let acc = rt.tidy(() => rt.keep(initOp([lwe2N, tv, tensor(Uint32Array.from(indices), [B], 'u32'), ring.primeRecords], { ring, level })));
  for (let i = 0; i < n; i++) {
    const next = rt.tidy(() => {
      const digits = ntt(ring, cmuxOp([acc, lwe2N, ring.primeRecords], { ring, level, step: i, digits: key.digits, logBase: key.logBase }), CIPHERTEXT_BASE);
      return rt.keep(polyAdd(ring, acc, intt(ring, keyInnerProduct(ring, digits, steps[i]!, CIPHERTEXT_BASE), CIPHERTEXT_BASE), CIPHERTEXT_BASE));
    });
    acc.dispose();
    acc = next;
  }
  return acc;
}

/** Coefficient 0 of each accumulator [B, 2, L, N] as LWE samples [B, L, N + 1] under the BGV key's coefficients. */
export function extractConstant(key: BgvBootstrapKey, acc: Tensor): Tensor {
  return extractOp([acc, key.ring.primeRecords], { ring: key.ring, level: key.level });
}
