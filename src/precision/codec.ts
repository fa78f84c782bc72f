// Bit codes of the small formats and their packing into 32-bit words.
// A code is sign | exponent (E bits, biased) | mantissa (M bits), IEEE-style. With the top
// exponent reserved, its codes decode as ±Infinity (mantissa 0, kept for binary16
// compatibility; rounding never produces them) or NaN. Encoding a NaN gives the canonical
// NaN code 0 | all ones; encoding ±Infinity saturates like any overflow.
// Packing (little-endian, what `src/graph/readback.ts` expects): element i of a packed array is
// bits [w*(i mod p), w*(i mod p) + w) of word floor(i / p), with w = code bits and p = 32 / w
// (FP8: four per u32, FP16 (1,6,9) and binary16: two per u32).
import { fail } from '../device/errors.js';
import { floorLog2, type FloatFormat } from './format.js';
import { roundToGrid, type RoundingMode } from './round.js';

/** The value of a code (exact). */
export function decodeCode(code: number, format: FloatFormat): number {
  const { expBits: E, manBits: M, bias } = format;
  const sign = (code >>> (E + M)) & 1 ? -1 : 1;
  const exp = (code >>> M) & ((1 << E) - 1);
  const man = code & ((1 << M) - 1);
  if (exp === (1 << E) - 1 && !format.topBinadeUsable) return man ? NaN : sign * Infinity;
  if (exp === 0) return sign * man * 2 ** (format.emin - M);
  return sign * (1 + man / 2 ** M) * 2 ** (exp - bias);
}

/** The code of x after rounding it onto the grid with `mode` (RNE by default). */
export function encodeCode(x: number, format: FloatFormat, mode: RoundingMode = 'rne', random = 0): number {
  const { expBits: E, manBits: M } = format;
  const v = roundToGrid(x, format, mode, random);
  if (Number.isNaN(v)) return (1 << (E + M)) - 1;
  const sign = v < 0 || Object.is(v, -0) ? 1 << (E + M) : 0;
  const a = Math.abs(v);
  if (a < format.minNormal) return sign | (a / 2 ** (format.emin - M));
  const e = floorLog2(a);
  const man = (a / 2 ** e - 1) * 2 ** M;
  return sign | ((e + format.bias) << M) | man;
}

/** Codes per 32-bit word for this format (whole codes only: 8 and 16 bit formats). */
export function codesPerWord(format: FloatFormat): number {
  if (format.bits !== 8 && format.bits !== 16) fail(`${format.name}: only 8- and 16-bit formats pack into 32-bit words`);
  return 32 / format.bits;
}

/** Rounds and packs values into words (the last word's unused codes are zero). */
export function pack(values: ArrayLike<number>, format: FloatFormat, mode: RoundingMode = 'rne'): Uint32Array {
  const per = codesPerWord(format);
  const words = new Uint32Array(Math.max(1, Math.ceil(values.length / per)));
  for (let i = 0; i < values.length; i++) {
    words[Math.floor(i / per)]! |= encodeCode(values[i]!, format, mode) << (format.bits * (i % per));
  }
  return words;
}

/** The first n values of packed words. */
export function unpack(words: Uint32Array, n: number, format: FloatFormat): Float32Array {
  const per = codesPerWord(format);
  if (words.length * per < n) fail(`unpack: ${words.length} words hold ${words.length * per} ${format.name} codes, not ${n}`);
  const mask = 2 ** format.bits - 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = decodeCode((words[Math.floor(i / per)]! >>> (format.bits * (i % per))) & mask, format);
  return out;
}
