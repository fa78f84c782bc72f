// Raw storage access for bit-exact tests: tensors read back as u32 words (no decoding, NaN
// payloads and signs of zero intact), and leaves of packed dtypes made from given words.
import { runtime } from '../../src/graph/runtime.js';
import type { DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

export async function rawWords(t: Tensor): Promise<Uint32Array> {
  const rt = runtime();
  await rt.flush();
  return new Uint32Array(await rt.readBuffer({ buffer: t.storage!.buffer, size: t.bytes }));
}

/** A leaf of any dtype holding exactly these storage words. */
export function packedLeaf(words: Uint32Array, shape: readonly number[], dtype: DType): Tensor {
  const t = new Tensor(shape, dtype, 'leaf');
  const rt = runtime();
  rt.upload(t, words);
  rt.adopt(t);
  return t;
}

export function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0]!;
}

/** Equal as f32 bit patterns, with every NaN equal to every NaN. */
export function sameF32(gpuBits: number, ref: number): boolean {
  return Number.isNaN(ref) ? (gpuBits & 0x7fffffff) > 0x7f800000 : gpuBits === f32Bits(ref);
}
