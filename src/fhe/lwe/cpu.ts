// LWE on the client's CPU and the exact references of the LWE kernels. A batch of B ciphertexts
// is u32 [B, dim + 1]: the mask a_0..a_{dim−1}, then b, with b − <a, s> = μ + e. Over the torus
// (modulus 2^32) the arithmetic is u32 wrap-around; extracted ciphertexts live modulo the ring
// prime Q, where the references use BigInt.
//
// Encryption runs here, not on the GPU: it is the client's step, its randomness must come from
// the CPU's CSPRNG anyway (the masks would have to be uploaded), and a dot product of n words
// per ciphertext is nothing next to the upload.
import { fail } from '../../device/errors.js';
import { mod } from '../arith/bigint.js';
import { mullo } from '../arith/u32.js';
import { sampleTorus, sampleTorusGaussian } from './sampling.js';

/** Δ = 2^32 / 2^(p+1): p message bits below one padding bit, in the top bits of the torus. */
export function encodeMessage(m: number, messageBits: number): number {
  return (mullo(m, 2 ** (31 - messageBits)) >>> 0);
}

/** The message whose box the phase falls in: round(phase / Δ) mod 2^(p+1) (values ≥ 2^p mean the padding bit was hit). */
export function decodePhase(phase: number, messageBits: number, modulus = 2 ** 32): number {
  const slots = 2 ** (messageBits + 1);
  return Math.round((phase / modulus) * slots) % slots;
}

/** Phases b − <a, s> mod 2^32 of a torus batch [B, n + 1] (the reference of lwePhase). */
export function lwePhaseTorus(ct: Uint32Array, s: Uint32Array): Uint32Array {
  const n = s.length;
  const count = ct.length / (n + 1);
  if (!Number.isInteger(count)) fail(`lwePhase: ${ct.length} words are not whole ciphertexts of dimension ${n}`);
  const out = new Uint32Array(count);
  for (let c = 0; c < count; c++) {
    let acc = ct[c * (n + 1) + n]!;
    for (let i = 0; i < n; i++) acc = (acc - mullo(ct[c * (n + 1) + i]!, s[i]!)) >>> 0;
    out[c] = acc;
  }
  return out;
}

/** Phases b − <a, s> mod Q (s given as signed integers, e.g. the ternary ring key), in BigInt. */
export function lwePhaseModQ(ct: Uint32Array, s: Int32Array, q: number): Uint32Array {
  const n = s.length;
  const Q = BigInt(q);
  return Uint32Array.from({ length: ct.length / (n + 1) }, (_, c) => {
    let acc = BigInt(ct[c * (n + 1) + n]!);
    for (let i = 0; i < n; i++) if (s[i]) acc -= BigInt(ct[c * (n + 1) + i]!) * BigInt(s[i]!);
    return Number(mod(acc, Q));
  });
}

/**
 * Encrypts torus plaintexts μ_c (already scaled, e.g. by encodeMessage) under s: [B, n + 1]
 * with uniform masks and rounded Gaussian errors of σ = relativeSigma · 2^32.
 */
export function encryptLwe(mu: ArrayLike<number>, s: Uint32Array, relativeSigma: number): Uint32Array {
  const n = s.length;
  const ct = sampleTorus(mu.length * (n + 1));
  const e = sampleTorusGaussian(mu.length, relativeSigma * 2 ** 32);
  for (let c = 0; c < mu.length; c++) {
    let acc = (mu[c]! + e[c]!) >>> 0;
    for (let i = 0; i < n; i++) acc = (acc + mullo(ct[c * (n + 1) + i]!, s[i]!)) >>> 0;
    ct[c * (n + 1) + n] = acc;
  }
  return ct;
}

/** Bit length k of Q and the multiplier floor(2^(31+k) / Q) ∈ [2^31, 2^32) of the Q → 2^32 switch. */
export function torusSwitchConstants(q: number): { bits: number; factor: number } {
  const bits = Math.floor(Math.log2(q)) + 1;
  return { bits, factor: Number((1n << BigInt(31 + bits)) / BigInt(q)) };
}

/**
 * Modulus switching of every word, the reference of lweModSwitch. From a prime Q to the torus:
 * round(x · floor(2^(31+k)/Q) / 2^(k−1)) mod 2^32 (within 2 units of x·2^32/Q, in u32-only
 * arithmetic on the GPU). From the torus to 2^logTo: round(x / 2^(32−logTo)) mod 2^logTo.
 */
export function modSwitchWords(words: Uint32Array, from: { prime: number } | 'torus', logTo: number): Uint32Array {
  if (from === 'torus') {
    const shift = 32 - logTo;
    return words.map((x) => Number(((BigInt(x) + (1n << BigInt(shift - 1))) >> BigInt(shift)) % (1n << BigInt(logTo))));
  }
  const { bits, factor } = torusSwitchConstants(from.prime);
  const k1 = BigInt(bits - 1);
  return words.map((x) => Number(((BigInt(x) * BigInt(factor) + (1n << (k1 - 1n))) >> k1) % (1n << 32n)));
}

/**
 * Key-switching key from the N-dimensional key z (signed, e.g. ternary) to the binary key s:
 * [N, ℓ, n + 1], row (i, l) an encryption under s of z_i · 2^(32 − β(l+1)).
 */
export function generateLweKeySwitchKey(z: Int32Array, s: Uint32Array, logBase: number, digits: number, relativeSigma: number): Uint32Array {
  const mu = new Uint32Array(z.length * digits);
  z.forEach((zi, i) => {
    for (let l = 0; l < digits; l++) mu[i * digits + l] = mullo(zi >>> 0, 2 ** (32 - logBase * (l + 1)));
  });
  return encryptLwe(mu, s, relativeSigma);
}

/** Balanced base-2^β digits of the top βℓ bits of x, most significant first, as signed integers. */
export function keySwitchDigits(x: number, logBase: number, digits: number): Int32Array {
  const kept = logBase * digits;
  let v = Number(((BigInt(x) + (1n << BigInt(31 - kept))) >> BigInt(32 - kept)) % (1n << BigInt(kept)));
  const out = new Int32Array(digits);
  const base = 2 ** logBase;
  for (let l = digits - 1; l >= 0; l--) {
    let d = v % base;
    v = Math.floor(v / base);
    if (d >= base / 2) {
      d -= base;
      v += 1;
    }
    out[l] = d;
  }
  return out;
}

/** Key switching of a torus batch [B, N + 1] under z to [B, n + 1] under s (the reference of lweKeySwitch). */
export function keySwitchCpu(ct: Uint32Array, ksk: Uint32Array, dims: { N: number; n: number; logBase: number; digits: number }): Uint32Array {
  const { N, n, logBase, digits } = dims;
  const count = ct.length / (N + 1);
  const out = new Uint32Array(count * (n + 1));
  for (let c = 0; c < count; c++) {
    const row = out.subarray(c * (n + 1), (c + 1) * (n + 1));
    row[n] = ct[c * (N + 1) + N]!;
    for (let i = 0; i < N; i++) {
      const d = keySwitchDigits(ct[c * (N + 1) + i]!, logBase, digits);
      for (let l = 0; l < digits; l++) {
        if (d[l] === 0) continue;
        const key = (i * digits + l) * (n + 1);
        for (let j = 0; j <= n; j++) row[j] = (row[j]! - mullo(d[l]! >>> 0, ksk[key + j]!)) >>> 0;
      }
    }
  }
  return out;
}
