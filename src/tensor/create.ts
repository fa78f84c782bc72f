// Leaves made from CPU data. They hold storage at once (even while tracing) and stay until
// disposed; `trainable()` marks parameters.
import { fail } from '../device/errors.js';
import type { DType } from './dtype.js';
import { fmt, numel } from './shape.js';
import { Tensor, engine, type Storage } from './tensor.js';

export type TensorData = ArrayLike<number> | Float32Array | Uint32Array | Int32Array;

const INTEGER_RANGES = {
  u32: { lo: 0, hi: 2 ** 32 - 1, array: Uint32Array },
  i32: { lo: -(2 ** 31), hi: 2 ** 31 - 1, array: Int32Array },
} as const;

/**
 * The values as the typed array of `dtype`. Integer dtypes take only integers in range: a
 * typed-array conversion would wrap -1 to 4294967295 and truncate 2.7 to 2 without a word.
 */
function words(data: TensorData, dtype: DType, what: string): ArrayBufferView {
  switch (dtype) {
    case 'f32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'u32':
    case 'i32': {
      const { lo, hi, array } = INTEGER_RANGES[dtype];
      if (data instanceof array) return data;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (!Number.isInteger(v) || v < lo || v > hi) {
          fail(`${what}: value ${v} at index ${i} is not a ${dtype} (an integer in [${lo}, ${hi}]); round or clamp the data first, or use f32`);
        }
      }
      return array.from(data);
    }
    default:
      return fail(`${what}: create ${dtype} tensors by casting or quantising an f32 tensor on the GPU`);
  }
}

/** A leaf tensor holding `data` (row-major). */
export function tensor(data: TensorData, shape: readonly number[], dtype: DType = 'f32', name?: string): Tensor {
  const t = new Tensor(shape, dtype, 'leaf', null, name);
  const what = `tensor(${fmt(shape)}, '${dtype}')`;
  if (numel(shape) !== data.length) fail(`${what}: ${data.length} values do not fill shape ${fmt(shape)} (${numel(shape)})`);
  const rt = engine();
  rt.upload(t, words(data, dtype, what));
  rt.adopt(t);
  return t;
}

export function full(shape: readonly number[], value: number, name?: string): Tensor {
  return tensor(new Float32Array(numel(shape)).fill(value), shape, 'f32', name);
}

export function zeros(shape: readonly number[], name?: string): Tensor {
  return full(shape, 0, name);
}

/**
 * A leaf over existing storage (the caller's reference passes to it): an optimizer group's flat
 * buffers and the per-parameter views into them.
 */
export function leafOn(storage: Storage, shape: readonly number[], name: string): Tensor {
  const t = new Tensor(shape, 'f32', 'leaf', null, name);
  if (t.bytes !== storage.bytes) fail(`internal: ${t} needs ${t.bytes} bytes, the storage has ${storage.bytes}`);
  t.storage = storage;
  engine().adopt(t);
  return t;
}

/**
 * Detaches an eagerly computed op output into a leaf that owns its storage, so the value no
 * longer depends on (or recomputes through) the op that made it: parameters from random
 * initialisers, pre-quantised operands.
 */
export function asLeaf(t: Tensor, name: string): Tensor {
  if (!t.storage) fail(`${name}: ${t} has no values yet; make leaves eagerly, before compile(), not inside it`);
  const leaf = new Tensor(t.shape, t.dtype, 'leaf', null, name);
  leaf.storage = t.storage.retain();
  t.dispose();
  engine().adopt(leaf);
  return leaf;
}
