// Element types. Storage is always whole 32-bit words: WGSL arrays of f16 need `shader-f16`,
// and FP8 (1,5,2) values are packed four to a u32 and decoded inside kernels.

export type DType = 'f32' | 'f16' | 'u32' | 'i32' | 'fp8e5m2';

interface DTypeInfo {
  /** Elements stored in one 32-bit word. */
  perWord: number;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  f32: { perWord: 1 },
  u32: { perWord: 1 },
  i32: { perWord: 1 },
  f16: { perWord: 2 },
  fp8e5m2: { perWord: 4 },
};

/** Bytes a tensor of `numel` elements occupies: whole words, at least one. */
export function byteLength(dtype: DType, numel: number): number {
  return Math.max(1, Math.ceil(numel / DTYPES[dtype].perWord)) * 4;
}
