// Secret randomness for LWE keys and errors, from the platform CSPRNG only (rlwe/sampling.ts).
import { fail } from '../../device/errors.js';
import { randomWords } from '../rlwe/sampling.js';

/** Uniform bits as u32 words 0/1: the binary LWE secret that GINX blind rotation expects. */
export function sampleBinary(count: number): Uint32Array {
  const words = randomWords(Math.ceil(count / 32));
  return Uint32Array.from({ length: count }, (_, i) => (words[i >>> 5]! >>> (i & 31)) & 1);
}

/** Uniform u32 words: LWE masks over the torus Z/2^32 (every word is a residue; no rejection needed). */
export const sampleTorus = randomWords;

/**
 * Rounded Gaussian errors of standard deviation `sigma` (in units of 1/2^32 of the torus) as
 * i32 words, by Box–Muller on 53-bit uniforms. The rounding adds variance 1/12.
 */
export function sampleTorusGaussian(count: number, sigma: number): Int32Array {
  if (!(sigma > 0 && sigma < 2 ** 28)) fail(`sampleTorusGaussian: σ = ${sigma} must be in (0, 2^28) units of 2^-32`);
  const words = randomWords(4 * Math.ceil(count / 2));
  const out = new Int32Array(count);
  const uniform = (i: number) => (words[i]! * 2 ** 21 + (words[i + 1]! >>> 11) + 1) / (2 ** 53 + 1); // in (0, 1)
  for (let i = 0; i < count; i += 2) {
    const r = sigma * Math.sqrt(-2 * Math.log(uniform(2 * i)));
    const theta = 2 * Math.PI * uniform(2 * i + 2);
    out[i] = Math.round(r * Math.cos(theta));
    if (i + 1 < count) out[i + 1] = Math.round(r * Math.sin(theta));
  }
  return out;
}
