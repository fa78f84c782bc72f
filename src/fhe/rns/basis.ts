// Moving polynomials between RNS bases: selecting rows, lifting integers to residues, digit
// decomposition for key switching, and dividing by a dropped prime (modulus switching and
// the last step of key switching). Kernels: shaders/fhe/{gather-rows,lift,decompose,
// moddown-delta,moddown-finish}.wgsl.
import decomposeSource from '../../../shaders/fhe/decompose.wgsl';
import gatherBatchSource from '../../../shaders/fhe/gather-batch.wgsl';
import gatherSource from '../../../shaders/fhe/gather-rows.wgsl';
import liftSource from '../../../shaders/fhe/lift.wgsl';
import modarith from '../../../shaders/fhe/modarith.wgsl';
import deltaSource from '../../../shaders/fhe/moddown-delta.wgsl';
import finishSource from '../../../shaders/fhe/moddown-finish.wgsl';
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { Kernel } from '../../device/kernel.js';
import { tensor } from '../../tensor/create.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { modInverse } from '../arith/bigint.js';
import { shoupPair, type RnsContext } from './context.js';
import { rnsOp } from './kernel-op.js';
import { polyLayout } from './layout.js';
import { intt, ntt } from './ntt.js';

interface GatherAttrs {
  ring: RnsContext;
  shape: readonly number[];
  inner: number;
  stride: number;
  off: number;
}

const gatherOp = rnsOp<GatherAttrs>({
  name: 'fhe.gatherRows',
  kernel: new Kernel({ name: 'fhe/gather-rows', source: gatherSource }),
  bind: ['x'],
  shape([x], { ring, shape, inner, stride, off }) {
    const rows = shape.reduce((p, d) => p * d, 1) / ring.n;
    const inRows = x!.numel / ring.n;
    const last = Math.floor((rows - 1) / inner) * stride + off + inner - 1;
    if (shape[shape.length - 1] !== ring.n || x!.dtype !== 'u32' || last >= inRows) {
      fail(`gatherRows: cannot take ${fmt(shape)} from ${fmt(x!.shape)} with inner ${inner}, stride ${stride}, offset ${off}`);
    }
    return shape;
  },
  uniforms: (_, { ring, shape, inner, stride, off }) => ({ rows: shape.reduce((p, d) => p * d, 1) / ring.n, inner, stride, off }),
});

/** Parts [from, from + count) of ciphertexts [..., parts, k, N]. */
export function selectParts(ring: RnsContext, ct: Tensor, from: number, count: number): Tensor {
  const [parts, k] = ct.shape.slice(-3, -1) as [number, number];
  const shape = [...ct.shape.slice(0, -3), count, k, ring.n];
  return gatherOp([ct], { ring, shape, inner: count * k, stride: parts * k, off: from * k });
}

/** Limb `limb` of every polynomial of x [..., k, N], as [..., 1, N]. */
export function selectLimb(ring: RnsContext, x: Tensor, limb: number): Tensor {
  const k = x.shape[x.rank - 2]!;
  return gatherOp([x], { ring, shape: [...x.shape.slice(0, -2), 1, ring.n], inner: 1, stride: k, off: limb });
}

/** The first `count` limbs of every polynomial of x [..., k, N]. */
export function leadingLimbs(ring: RnsContext, x: Tensor, count: number): Tensor {
  const k = x.shape[x.rank - 2]!;
  if (count === k) return x;
  return gatherOp([x], { ring, shape: [...x.shape.slice(0, -2), count, ring.n], inner: count, stride: k, off: 0 });
}

const gatherBatchOp = rnsOp<{ ring: RnsContext; count: number }>({
  name: 'fhe.gatherBatch',
  kernel: new Kernel({ name: 'fhe/gather-batch', source: gatherBatchSource }),
  bind: ['x', 'idx'],
  shape([x], { ring, count }) {
    if (x!.dtype !== 'u32' || x!.rank < 2 || x!.shape[x!.rank - 1] !== ring.n) fail(`gatherBatch: ${x} must be u32 [B, ..., N] with N = ${ring.n}`);
    return [count, ...x!.shape.slice(1)];
  },
  uniforms: ([x], { ring, count }) => {
    const perItem = x!.numel / x!.shape[0]! / ring.n;
    return { rows: count * perItem, rows_per_item: perItem };
  },
});

/** Items `indices` of the batch x [B, ...] (repeats allowed) → [indices.length, ...]. */
export function gatherBatch(ring: RnsContext, x: Tensor, indices: readonly number[]): Tensor {
  const B = x.shape[0]!;
  for (const i of indices) if (!Number.isInteger(i) || i < 0 || i >= B) fail(`gatherBatch: index ${i} is outside the batch of ${B}`);
  if (indices.length === 0) fail('gatherBatch: give at least one index');
  return runtime().tidy(() => gatherBatchOp([x, tensor(Uint32Array.from(indices), [indices.length], 'u32')], { ring, count: indices.length }));
}

interface LiftAttrs {
  ring: RnsContext;
  base: number;
  k: number;
  /** 0: the words are i32; otherwise residues mod srcMod read as centered integers. */
  srcMod: number;
}

const liftOp = rnsOp<LiftAttrs>({
  name: 'fhe.lift',
  kernel: new Kernel({ name: 'fhe/lift', source: [modarith, liftSource] }),
  bind: ['x', 'primes'],
  shape([x], { ring, base, k }) {
    ring.checkRange(base, k, 'lift');
    if (x!.dtype !== 'u32' || x!.shape[x!.rank - 1] !== ring.n) fail(`lift: ${x} must be u32 [..., N] with N = ${ring.n}`);
    return [...x!.shape.slice(0, -1), k, ring.n];
  },
  uniforms: ([x], { ring, base, k, srcMod }) => ({ rows: (x!.numel / ring.n) * k, k, base, src_mod: srcMod }),
  constants: ({ srcMod }) => ({ SIGNED: srcMod === 0 ? 1 : 0 }),
});

/** Small signed integers (i32 words in a u32 tensor [..., N]) → residues [..., k, N] over [base, base+k). */
export function liftSigned(ring: RnsContext, x: Tensor, base: number, k: number): Tensor {
  return liftOp([x, ring.primeRecords], { ring, base, k, srcMod: 0 });
}

/** Residues mod m [..., N], read as centered integers in (−m/2, m/2], → residues [..., k, N]. */
export function liftCentered(ring: RnsContext, x: Tensor, m: number, base: number, k: number): Tensor {
  if (!Number.isInteger(m) || m < 2 || m >= 2 ** 32) fail(`liftCentered: source modulus ${m} must be an integer in [2, 2^32)`);
  return liftOp([x, ring.primeRecords], { ring, base, k, srcMod: m });
}

interface DecomposeAttrs {
  ring: RnsContext;
  base: number;
  ebase: number;
  e: number;
}

const decomposeOp = rnsOp<DecomposeAttrs>({
  name: 'fhe.decompose',
  kernel: new Kernel({ name: 'fhe/decompose', source: [modarith, decomposeSource] }),
  bind: ['c', 'primes'],
  shape([c], { ring, base, ebase, e }) {
    polyLayout(c!, ring, base, 'decompose');
    ring.checkRange(ebase, e, 'decompose (extended basis)');
    return [...c!.shape.slice(0, -1), e, ring.n];
  },
  uniforms: ([c], { ring, ebase, e }) => ({ rows: (c!.numel / ring.n) * e, l: c!.shape[c!.rank - 2]!, e, ebase }),
});

/**
 * RNS digits of coefficient-form c [..., l, N] over [base, base+l): limb j, an integer in
 * [0, q_j), lifted to every prime of [ebase, ebase+e) → [..., l, e, N].
 */
export function decompose(ring: RnsContext, c: Tensor, base: number, ebase: number, e: number): Tensor {
  return decomposeOp([c, ring.primeRecords], { ring, base, ebase, e });
}

interface ModDownAttrs {
  ring: RnsContext;
  base: number;
  k: number;
  drop: number;
  dropPos: number;
}

const deltaOp = rnsOp<ModDownAttrs>({
  name: 'fhe.modDownDelta',
  kernel: new Kernel({ name: 'fhe/moddown-delta', source: [modarith, deltaSource] }),
  bind: ['xd', 'primes', 'c'],
  shape: ([xd], { ring, k }) => [...xd!.shape.slice(0, -2), k, ring.n],
  uniforms: ([xd], { ring, base, k, drop }) => ({ rows: (xd!.numel / ring.n) * k, k, base, drop }),
});

const finishOp = rnsOp<ModDownAttrs>({
  name: 'fhe.modDownFinish',
  kernel: new Kernel({ name: 'fhe/moddown-finish', source: [modarith, finishSource] }),
  bind: ['y', 'delta', 'primes', 'c'],
  shape: ([, delta]) => delta!.shape,
  uniforms: ([, delta], { ring, base, k, dropPos }) => ({ rows: delta!.numel / ring.n, k, base, drop_pos: dropPos }),
});

/**
 * Divides x [..., k, N] over [base, base+k) by its first or last prime P and rounds, so that
 * the result over the k−1 kept primes is (x − δ)/P with δ ≡ x (mod P) and δ ≡ 0 (mod t), |δ| ≤ tP/2:
 * the value mod t is multiplied by P^{-1} and the error grows by at most t/2 per coefficient.
 * BGV modulus switching (drop the last prime) and the end of key switching (drop the special
 * prime) are both this. `isNtt`: x is in the NTT domain (the result is too).
 */
export function modDown(ring: RnsContext, x: Tensor, base: number, drop: 'first' | 'last', t: bigint, isNtt: boolean): Tensor {
  const { k } = polyLayout(x, ring, base, 'modDown');
  if (k < 2) fail(`modDown: ${fmt(x.shape)} has one limb; there is nothing left after dropping it`);
  const dropPos = drop === 'first' ? 0 : k - 1;
  const dropPrime = base + dropPos;
  const keptBase = drop === 'first' ? base + 1 : base;
  const P = BigInt(ring.primes[dropPrime]!);
  const kept = ring.primes.slice(keptBase, keptBase + k - 1);
  const tInvP = modInverse(t, P);
  const deltaConsts = ring.table(`moddown-delta(${dropPrime},${keptBase},${k - 1},${t})`, () =>
    Uint32Array.from([...shoupPair(tInvP, Number(P)), ...kept.flatMap((q) => shoupPair(t, q))]),
  );
  const finishConsts = ring.table(`moddown-finish(${dropPrime},${keptBase},${k - 1})`, () =>
    Uint32Array.from(kept.flatMap((q) => shoupPair(modInverse(P, BigInt(q)), q))),
  );
  const attrs = { ring, base: keptBase, k: k - 1, drop: dropPrime, dropPos };
  return runtime().tidy(() => {
    let xd = selectLimb(ring, x, dropPos);
    if (isNtt) xd = intt(ring, xd, dropPrime);
    let delta = deltaOp([xd, ring.primeRecords, deltaConsts], attrs);
    if (isNtt) delta = ntt(ring, delta, keptBase);
    return finishOp([x, delta, ring.primeRecords, finishConsts], attrs);
  });
}
