// Turns the bytes of a buffer into numbers the caller can use.
import type { DType } from '../tensor/dtype.js';

/** IEEE binary16 bits to a number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** f16 and FP8 (1,5,2) come back as f32: an FP8 e5m2 byte is the top byte of a binary16. */
export function decode(dtype: DType, bytes: ArrayBuffer, numel: number): Float32Array | Uint32Array | Int32Array {
  switch (dtype) {
    case 'f32':
      return new Float32Array(bytes, 0, numel);
    case 'u32':
      return new Uint32Array(bytes, 0, numel);
    case 'i32':
      return new Int32Array(bytes, 0, numel);
    case 'f16': {
      const h = new Uint16Array(bytes, 0, numel);
      return Float32Array.from(h, halfToFloat);
    }
    case 'fp8e5m2': {
      const b = new Uint8Array(bytes, 0, numel);
      return Float32Array.from(b, (x) => halfToFloat(x << 8));
    }
  }
}
