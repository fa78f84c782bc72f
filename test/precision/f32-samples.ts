// Test inputs for rounding: f32 bit patterns that cover every class of value. Half are uniform
// random words (all exponents: NaN, ±Inf, f32 subnormals, huge values); half have exponents
// near a format's range (its subnormals, ties, overflow), plus fixed specials at the front.
import { SeededRng } from '../../src/data/rng.js';
import type { FloatFormat } from '../../src/precision/format.js';

const SPECIALS = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, // ±0, ±Inf, NaNs
  0x00000001, 0x807fffff, 0x00400000, // f32 subnormals
  0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, // ±f32 max, ±1
];

export function f32Samples(n: number, seed: number, format: FloatFormat): Uint32Array {
  const rng = new SeededRng(seed, 7);
  const out = new Uint32Array(n);
  out.set(SPECIALS.slice(0, n));
  for (let i = SPECIALS.length; i < n; i++) {
    const w = rng.nextU32();
    if (i % 2) {
      out[i] = w;
    } else {
      // Exponent uniform over [emin - M - 4, emax + 2]; mantissa with few set bits half the
      // time so exact ties and grid values occur often.
      const span = format.emax - format.emin + format.manBits + 7;
      const e = format.emin - format.manBits - 4 + (rng.nextU32() % span);
      const sparse = rng.nextU32() & 1 ? w & (0x7fffff & ~((1 << (21 - format.manBits)) - 1)) : w & 0x7fffff;
      out[i] = ((w & 0x80000000) | ((e + 127) << 23) | sparse) >>> 0;
    }
  }
  return out;
}

export function bitsToF32(bits: Uint32Array): Float32Array {
  return new Float32Array(bits.buffer, bits.byteOffset, bits.length);
}
