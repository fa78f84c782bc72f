// RLWE ciphertext kernels (message in the low bits, BGV-style; t = 1 gives plain RLWE):
// encryption, the decryption inner product, the ciphertext product, key-switching inner
// products, gadget messages and public matrices applied to ciphertext batches.
// Ciphertexts are u32 [B, parts, k, N] in the NTT domain over primes [base, base+k).
import addPartsSource from '../../../shaders/fhe/add-parts.wgsl';
import decryptSource from '../../../shaders/fhe/decrypt-dot.wgsl';
import publicSource from '../../../shaders/fhe/encrypt-public.wgsl';
import symmetricSource from '../../../shaders/fhe/encrypt-symmetric.wgsl';
import gadgetSource from '../../../shaders/fhe/gadget.wgsl';
import keyInnerSource from '../../../shaders/fhe/key-inner.wgsl';
import linearSource from '../../../shaders/fhe/linear.wgsl';
import modarith from '../../../shaders/fhe/modarith.wgsl';
import tensorSource from '../../../shaders/fhe/tensor-product.wgsl';
import { fail } from '../../device/errors.js';
import { Kernel } from '../../device/kernel.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { RnsContext } from '../rns/context.js';
import { rnsOp } from '../rns/kernel-op.js';
import { polyLayout } from '../rns/layout.js';

const kernel = (name: string, source: string) => new Kernel({ name: `fhe/${name}`, source: [modarith, source] });

/** [B, parts, k, N] → { batch, parts, k }, checked against the ring and basis. */
export function ciphertextLayout(ct: Tensor, ring: RnsContext, base: number, what: string) {
  const { k } = polyLayout(ct, ring, base, what);
  if (ct.rank !== 4) fail(`${what}: ciphertexts must be [B, parts, k, N], got ${fmt(ct.shape)}`);
  return { batch: ct.shape[0]!, parts: ct.shape[1]!, k };
}

function requireShape(t: Tensor, shape: readonly number[], what: string): void {
  if (t.dtype !== 'u32' || t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    fail(`${what}: ${t} must be u32 ${fmt(shape)}`);
  }
}

interface BasisAttrs {
  ring: RnsContext;
  base: number;
}

interface SymmetricAttrs extends BasisAttrs {
  sOff: number;
}

const symmetricOp = rnsOp<SymmetricAttrs>({
  name: 'fhe.encryptSymmetric',
  kernel: kernel('encrypt-symmetric', symmetricSource),
  bind: ['a', 's', 'e', 'm', 'primes', 't'],
  shape([a, s, e, m], { ring, base, sOff }) {
    const { k } = polyLayout(a!, ring, base, 'encryptSymmetric');
    for (const [x, name] of [[e, 'e'], [m, 'm']] as const) requireShape(x!, a!.shape, `encryptSymmetric (${name})`);
    if (s!.numel / ring.n < sOff + k) fail(`encryptSymmetric: the key has ${s!.numel / ring.n} limbs, fewer than offset ${sOff} + ${k}`);
    return [...a!.shape.slice(0, -2), 2, k, ring.n];
  },
  uniforms: ([a], { ring, base, sOff }) => ({ rows: a!.numel / ring.n, k: a!.shape[a!.rank - 2]!, base, s_off: sOff }),
});

/**
 * (m − a·s + t·e, a) for a, e, m [..., k, N] over [base, base+k), all NTT domain; s is a key
 * over more primes whose limb for prime base + i is row sOff + i. → [..., 2, k, N].
 */
export function encryptSymmetric(ring: RnsContext, p: { a: Tensor; s: Tensor; e: Tensor; m: Tensor }, base: number, sOff: number, t: bigint): Tensor {
  return symmetricOp([p.a, p.s, p.e, p.m, ring.primeRecords, ring.constantTable(t)], { ring, base, sOff });
}

const publicOp = rnsOp<BasisAttrs>({
  name: 'fhe.encryptPublic',
  kernel: kernel('encrypt-public', publicSource),
  bind: ['pk', 'u', 'e', 'm', 'primes', 't'],
  shape([pk, u, e, m], { ring, base }) {
    const { k } = polyLayout(u!, ring, base, 'encryptPublic');
    if (u!.rank !== 3) fail(`encryptPublic: u must be [B, k, N], got ${fmt(u!.shape)}`);
    requireShape(m!, u!.shape, 'encryptPublic (m)');
    const out = [u!.shape[0]!, 2, k, ring.n];
    requireShape(e!, out, 'encryptPublic (e)');
    if (pk!.rank !== 3 || pk!.shape[0] !== 2 || pk!.shape[1]! < k) fail(`encryptPublic: public key ${fmt(pk!.shape)} must be [2, >= ${k}, N]`);
    return out;
  },
  uniforms: ([pk, u], { ring, base }) => ({ rows: (2 * u!.numel) / ring.n, k: u!.shape[1]!, base, pk_k: pk!.shape[1]! }),
});

/** (pk0·u + t·e0 + m, pk1·u + t·e1), NTT domain: u, m [B, k, N], e [B, 2, k, N], pk [2, ≥k, N]. */
export function encryptPublic(ring: RnsContext, p: { pk: Tensor; u: Tensor; e: Tensor; m: Tensor }, base: number, t: bigint): Tensor {
  return publicOp([p.pk, p.u, p.e, p.m, ring.primeRecords, ring.constantTable(t)], { ring, base });
}

const decryptOp = rnsOp<SymmetricAttrs>({
  name: 'fhe.decryptDot',
  kernel: kernel('decrypt-dot', decryptSource),
  bind: ['c', 's', 's2', 'primes'],
  shape([c, s, s2], { ring, base, sOff }) {
    const { batch, parts, k } = ciphertextLayout(c!, ring, base, 'decrypt');
    if (parts < 2 || parts > 3) fail(`decrypt: ciphertexts have 2 or 3 parts, got ${parts}`);
    for (const key of [s!, s2!]) {
      if (key.numel / ring.n < sOff + k) fail(`decrypt: key ${fmt(key.shape)} has fewer than ${sOff + k} limbs`);
    }
    return [batch, k, ring.n];
  },
  uniforms: ([c], { base, sOff }) => ({ rows: c!.shape[0]! * c!.shape[2]!, k: c!.shape[2]!, base, parts: c!.shape[1]!, s_off: sOff }),
});

/** c0 + c1·s (+ c2·s²) per ciphertext → [B, k, N], NTT domain; s and s² cover more primes (row sOff + i for limb i). */
export function decryptDot(ring: RnsContext, ct: Tensor, s: Tensor, s2: Tensor, base: number, sOff: number): Tensor {
  return decryptOp([ct, s, s2, ring.primeRecords], { ring, base, sOff });
}

const tensorOp = rnsOp<BasisAttrs>({
  name: 'fhe.tensorProduct',
  kernel: kernel('tensor-product', tensorSource),
  bind: ['a', 'b', 'primes'],
  shape([a, b], { ring, base }) {
    const { batch, parts, k } = ciphertextLayout(a!, ring, base, 'multiply');
    if (parts !== 2) fail(`multiply: relinearize first; ciphertexts with ${parts} parts cannot be multiplied`);
    requireShape(b!, a!.shape, 'multiply (second operand)');
    return [batch, 3, k, ring.n];
  },
  uniforms: ([a], { base }) => ({ rows: a!.shape[0]! * a!.shape[2]!, k: a!.shape[2]!, base }),
});

/** (a0, a1) ⊗ (b0, b1) = (a0b0, a0b1 + a1b0, a1b1): [B, 2, k, N] × [B, 2, k, N] → [B, 3, k, N]. */
export function tensorProduct(ring: RnsContext, a: Tensor, b: Tensor, base: number): Tensor {
  return tensorOp([a, b, ring.primeRecords], { ring, base });
}

interface AddPartsAttrs extends BasisAttrs {
  keep: number;
}

const addPartsOp = rnsOp<AddPartsAttrs>({
  name: 'fhe.addParts',
  kernel: kernel('add-parts', addPartsSource),
  bind: ['u', 'x', 'primes'],
  shape([u, x], { ring, base, keep }) {
    const a = ciphertextLayout(u!, ring, base, 'addParts');
    const b = ciphertextLayout(x!, ring, base, 'addParts');
    if ((b.batch !== a.batch && b.batch !== 1) || b.k !== a.k || keep > b.parts || keep > a.parts) {
      fail(`addParts: cannot add the first ${keep} parts of ${fmt(x!.shape)} to ${fmt(u!.shape)}`);
    }
    return u!.shape;
  },
  uniforms: ([u, x], { ring, base, keep }) => ({
    rows: u!.numel / ring.n, parts: u!.shape[1]!, k: u!.shape[2]!, base, x_parts: x!.shape[1]!, keep,
    x_shared: x!.shape[0] === 1 ? 1 : 0,
  }),
});

/** u with the first `keep` parts of x added: [B, parts, k, N] + [B or 1 (shared), x_parts, k, N]. */
export function addParts(ring: RnsContext, u: Tensor, x: Tensor, keep: number, base: number): Tensor {
  return addPartsOp([u, x, ring.primeRecords], { ring, base, keep });
}

const linearOp = rnsOp<BasisAttrs>({
  name: 'fhe.linear',
  kernel: kernel('linear', linearSource),
  bind: ['x', 'w', 'primes'],
  shape([x, w], { ring, base }) {
    const { batch, parts, k } = ciphertextLayout(x!, ring, base, 'linear');
    if (w!.rank !== 3 || w!.shape[1] !== batch || w!.shape[2] !== k) fail(`linear: weights ${fmt(w!.shape)} must be [F, ${batch}, ${k}]`);
    return [w!.shape[0]!, parts, k, ring.n];
  },
  uniforms: ([x, w], { base }) => ({
    rows: w!.shape[0]! * x!.shape[1]! * x!.shape[2]!, rows_per_ct: x!.shape[1]! * x!.shape[2]!, k: x!.shape[2]!, base, inputs: x!.shape[0]!,
  }),
});

/**
 * out[f] = Σ_p W[f, p] · x[p] for a public integer matrix W: x [P, parts, k, N] → [F, parts, k, N].
 * `weights` [F, P, k] holds W[f, p] · 2^32 mod q_i (Montgomery form; see montgomeryWeights).
 */
export function linearCombine(ring: RnsContext, x: Tensor, weights: Tensor, base: number): Tensor {
  return linearOp([x, weights, ring.primeRecords], { ring, base });
}

interface KeyInnerAttrs extends BasisAttrs {
  l: number;
}

const keyInnerOp = rnsOp<KeyInnerAttrs>({
  name: 'fhe.keyInner',
  kernel: kernel('key-inner', keyInnerSource),
  bind: ['d', 'key', 'primes'],
  shape([d, key], { ring, base, l }) {
    const { k: e } = polyLayout(d!, ring, base, 'keySwitch');
    if (d!.rank !== 4 || d!.shape[1] !== l) fail(`keySwitch: digits ${fmt(d!.shape)} must be [B, ${l}, e, N]`);
    if (key!.rank !== 4 || key!.shape[0]! < l || key!.shape[1] !== 2 || key!.shape[2]! < e) {
      fail(`keySwitch: key ${fmt(key!.shape)} must be [>= ${l} digits, 2, >= ${e} limbs, N]`);
    }
    return [d!.shape[0]!, 2, e, ring.n];
  },
  uniforms: ([d, key], { base, l }) => ({ rows: d!.shape[0]! * 2 * d!.shape[2]!, l, e: d!.shape[2]!, key_e: key!.shape[2]!, base }),
});

/** Σ_d D[b, d] · K[d] over digits: D [B, l, e, N], K [≥l, 2, ≥e, N] (Montgomery form) → [B, 2, e, N]. */
export function keyInnerProduct(ring: RnsContext, digits: Tensor, key: Tensor, base: number): Tensor {
  return keyInnerOp([digits, key, ring.primeRecords], { ring, base, l: digits.shape[1]! });
}

interface GadgetAttrs extends SymmetricAttrs {
  digits: number;
  e: number;
  digitOff: number;
}

const gadgetOp = rnsOp<GadgetAttrs>({
  name: 'fhe.gadget',
  kernel: kernel('gadget', gadgetSource),
  bind: ['s', 'primes', 'c'],
  shape([s], { ring, base, sOff, digits, e, digitOff }) {
    ring.checkRange(base, e, 'gadget');
    if (digits + digitOff > e || s!.numel / ring.n < sOff + e) fail(`gadget: ${digits} digits from limb ${digitOff} do not fit ${e} limbs of ${fmt(s!.shape)}`);
    return [digits, e, ring.n];
  },
  uniforms: (_, { base, sOff, digits, e, digitOff }) => ({ rows: digits * e, e, base, digit_off: digitOff, s_off: sOff }),
});

/** Key-switching messages: digit d is c·s' in limb d + digitOff and 0 elsewhere → [digits, e, N]. */
export function gadgetMessages(ring: RnsContext, sPrime: Tensor, c: bigint, p: { base: number; e: number; digits: number; digitOff: number; sOff: number }): Tensor {
  return gadgetOp([sPrime, ring.primeRecords, ring.constantTable(c)], { ring, ...p });
}
