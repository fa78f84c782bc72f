// Homomorphic operations on BGV ciphertext batches. Every op returns a new Ciphertext and
// leaves its inputs alone (dispose them when done). Key-switching ops take public keys only.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { reshape } from '../../kernels/shape/reshape.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mod, modInverse } from '../arith/bigint.js';
import { shoupCompanion, shoupMul, toMontgomery } from '../arith/u32.js';
import { automorph } from '../rns/automorph.js';
import { gatherBatch, modDown, selectParts } from '../rns/basis.js';
import { polyAdd, polyMul, polySub } from '../rns/poly.js';
import { keySwitch } from '../rlwe/keyswitch.js';
import { addParts, linearCombine, tensorProduct } from '../rlwe/ops.js';
import { Ciphertext, Plaintext } from './ciphertext.js';
import { CIPHERTEXT_BASE, type BgvContext } from './context.js';
import { rowRotationElement, rowSwapElement } from './encoder.js';
import { liftPlaintext } from './encrypt.js';
import type { GaloisKeys, RelinKey } from './keys.js';

function sameShape(a: Ciphertext, b: Ciphertext, what: string): void {
  if (a.batch !== b.batch || a.parts !== b.parts || a.level !== b.level) {
    fail(`${what}: operands differ (batch ${a.batch}/${b.batch}, parts ${a.parts}/${b.parts}, level ${a.level}/${b.level}); modulus-switch to one level first`);
  }
  if (a.factor !== b.factor) fail(`${what}: operands carry different modulus-switching factors; switch both along the same levels`);
}

export function add(ctx: BgvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  sameShape(a, b, 'add');
  return new Ciphertext(polyAdd(ctx.ring, a.data, b.data, CIPHERTEXT_BASE), a.factor);
}

export function sub(ctx: BgvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  sameShape(a, b, 'sub');
  return new Ciphertext(polySub(ctx.ring, a.data, b.data, CIPHERTEXT_BASE), a.factor);
}

/** The plaintext in the NTT domain at the ciphertext's level, one per ciphertext or one shared. */
function plainOperand(ctx: BgvContext, ct: Ciphertext, pt: Plaintext, scale: bigint, what: string): Tensor {
  if (pt.batch !== 1 && pt.batch !== ct.batch) fail(`${what}: ${pt.batch} plaintexts for ${ct.batch} ciphertexts (give 1 or ${ct.batch})`);
  let coefficients = pt.coefficients;
  if (scale !== 1n) {
    const t = ctx.params.plainModulus;
    const s = Number(mod(scale, ctx.t));
    const sp = shoupCompanion(s, t);
    coefficients = coefficients.map((c) => shoupMul(c, s, sp, t));
  }
  return liftPlaintext(ctx, new Plaintext(coefficients, pt.batch), ct.level);
}

/** ct + pt: the plaintext is added to part 0 (scaled by the ciphertext's factor). */
export function addPlain(ctx: BgvContext, ct: Ciphertext, pt: Plaintext): Ciphertext {
  const data = runtime().tidy(() => {
    const m = plainOperand(ctx, ct, pt, ct.factor, 'addPlain');
    return addParts(ctx.ring, ct.data, reshape(m, [pt.batch, 1, ct.level, ctx.n]), 1, CIPHERTEXT_BASE);
  });
  return new Ciphertext(data, ct.factor);
}

/** ct × pt (every part times the plaintext). */
export function mulPlain(ctx: BgvContext, ct: Ciphertext, pt: Plaintext): Ciphertext {
  const data = runtime().tidy(() => {
    const m = plainOperand(ctx, ct, pt, 1n, 'mulPlain');
    const map = pt.batch === 1 ? { mod: 1 } : { div: ct.parts };
    return polyMul(ctx.ring, ct.data, m, CIPHERTEXT_BASE, map);
  });
  return new Ciphertext(data, ct.factor);
}

/**
 * out[f] = Σ_p W[f][p] · ct[p] for a public integer matrix W (rows: outputs): the
 * multiply-accumulate of a frozen linear layer on encrypted inputs, one batch in, one out.
 */
export function linear(ctx: BgvContext, ct: Ciphertext, weights: readonly ArrayLike<number>[]): Ciphertext {
  const P = ct.batch;
  const l = ct.level;
  const F = weights.length;
  const primes = ctx.primesAt(l);
  const words = new Uint32Array(F * P * l);
  weights.forEach((row, f) => {
    if (row.length !== P) fail(`linear: weight row ${f} has ${row.length} entries for ${P} ciphertexts`);
    for (let p = 0; p < P; p++) {
      const w = row[p]!;
      if (!Number.isSafeInteger(w)) fail(`linear: weight [${f}][${p}] = ${w} is not an integer`);
      primes.forEach((q, i) => (words[(f * P + p) * l + i] = toMontgomery(Number(mod(BigInt(w), BigInt(q))), q)));
    }
  });
  const data = runtime().tidy(() => linearCombine(ctx.ring, ct.data, tensor(words, [F, P, l], 'u32'), CIPHERTEXT_BASE));
  return new Ciphertext(data, ct.factor);
}

/** ct × ct without relinearization: a 3-part ciphertext decrypting under (1, s, s²). */
export function multiply(ctx: BgvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  if (a.batch !== b.batch || a.level !== b.level) fail(`multiply: operands differ (batch ${a.batch}/${b.batch}, level ${a.level}/${b.level})`);
  return new Ciphertext(tensorProduct(ctx.ring, a.data, b.data, CIPHERTEXT_BASE), mod(a.factor * b.factor, ctx.t));
}

/** Key-switches part `part` of ct with `key` and adds the parts before it back in. */
function switchPart(ctx: BgvContext, ct: Tensor, part: number, key: Tensor): Tensor {
  return runtime().tidy(() => {
    const [B, , l] = ct.shape as [number, number, number];
    const c = reshape(selectParts(ctx.ring, ct, part, 1), [B, l, ctx.n]);
    return addParts(ctx.ring, keySwitch(ctx.ring, c, key, ctx.t), ct, part, CIPHERTEXT_BASE);
  });
}

/** 3 parts → 2 parts with the relinearization key (s² → s). */
export function relinearize(ctx: BgvContext, ct: Ciphertext, rlk: RelinKey): Ciphertext {
  if (ct.parts !== 3) fail(`relinearize: expected a 3-part ciphertext (after multiply), got ${ct.parts} parts`);
  return new Ciphertext(switchPart(ctx, ct.data, 2, rlk.data), ct.factor);
}

export function multiplyRelin(ctx: BgvContext, a: Ciphertext, b: Ciphertext, rlk: RelinKey): Ciphertext {
  const product = multiply(ctx, a, b);
  const out = relinearize(ctx, product, rlk);
  product.dispose();
  return out;
}

/** Applies σ_g to the slots (a permutation) and switches σ_g(s) back to s. */
export function applyGalois(ctx: BgvContext, ct: Ciphertext, g: number, keys: GaloisKeys): Ciphertext {
  if (ct.parts !== 2) fail(`applyGalois: relinearize first (${ct.parts} parts)`);
  const key = keys.keys.get(g);
  if (!key) fail(`applyGalois: no Galois key for element ${g}; generate it with generateGaloisKeys(ctx, sk, [${g}, ...])`);
  const data = runtime().tidy(() => switchPart(ctx, automorph(ctx.ring, ct.data, g), 1, key));
  return new Ciphertext(data, ct.factor);
}

/** Rotates both slot rows left by `steps` (right when negative). */
export function rotateRows(ctx: BgvContext, ct: Ciphertext, steps: number, keys: GaloisKeys): Ciphertext {
  return applyGalois(ctx, ct, rowRotationElement(ctx.n, steps), keys);
}

/** Swaps the two slot rows. */
export function swapRows(ctx: BgvContext, ct: Ciphertext, keys: GaloisKeys): Ciphertext {
  return applyGalois(ctx, ct, rowSwapElement(ctx.n), keys);
}

/** Galois elements sumSlots needs: rotations by 1, 2, 4, ..., N/4 and the row swap. */
export function slotSumElements(n: number): number[] {
  const out: number[] = [];
  for (let s = 1; s < n / 2; s *= 2) out.push(rowRotationElement(n, s));
  return [...out, rowSwapElement(n)];
}

/** Every slot becomes the sum of all N slots: log2(N/2) rotate-and-add steps and a row swap. */
export function sumSlots(ctx: BgvContext, ct: Ciphertext, keys: GaloisKeys): Ciphertext {
  let acc = ct;
  for (const g of slotSumElements(ctx.n)) {
    const rotated = applyGalois(ctx, acc, g, keys);
    const next = add(ctx, acc, rotated);
    rotated.dispose();
    if (acc !== ct) acc.dispose();
    acc = next;
  }
  return acc;
}

/** Drops the last prime q_l (BGV modulus switching): noise shrinks by ~q_l, the factor gains q_l^{-1}. */
export function modSwitch(ctx: BgvContext, ct: Ciphertext): Ciphertext {
  if (ct.level < 2) fail('modSwitch: the ciphertext is at level 1; there is no prime left to drop');
  const q = BigInt(ctx.params.ciphertextPrimes[ct.level - 1]!);
  const data = modDown(ctx.ring, ct.data, CIPHERTEXT_BASE, 'last', ctx.t, true);
  return new Ciphertext(data, mod(ct.factor * modInverse(q, ctx.t), ctx.t));
}

/** Modulus-switches down to `level`. */
export function modSwitchTo(ctx: BgvContext, ct: Ciphertext, level: number): Ciphertext {
  ctx.checkLevel(level);
  if (level > ct.level) fail(`modSwitchTo: cannot go up from level ${ct.level} to ${level}`);
  let acc = ct;
  while (acc.level > level) {
    const next = modSwitch(ctx, acc);
    if (acc !== ct) acc.dispose();
    acc = next;
  }
  return acc;
}

/** The ciphertexts at `indices` of a batch (repeats allowed), e.g. to pair operands for products. */
export function select(ctx: BgvContext, ct: Ciphertext, indices: readonly number[]): Ciphertext {
  return new Ciphertext(gatherBatch(ctx.ring, ct.data, indices), ct.factor);
}
