// Checkpoints: named GPU tensors plus string metadata (optimizer step, RNG counters, epoch, as
// JSON strings) as the bytes of one .safetensors file that PyTorch can open. This module is the
// format only and touches no files, so browser pages can train with it; where the bytes are kept
// is a CheckpointStore (Node's atomic files: src/node/checkpoint-file.ts).
import { decodeSafetensors, encodeSafetensors, safeView, type SafeArray, type SafeDType, type SafeFile } from '../data/safetensors.js';
import { fail } from '../device/errors.js';
import { runtime } from '../graph/runtime.js';
import type { DType } from '../tensor/dtype.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** How each tensor dtype is stored; f16 and FP8 keep their exact bits. */
const SAFE_DTYPE: Record<DType, SafeDType> = { f32: 'F32', u32: 'U32', i32: 'I32', f16: 'F16', fp8e5m2: 'F8_E5M2' };

export interface CheckpointContents {
  tensors: Record<string, Tensor>;
  /** Values must be strings: JSON.stringify numbers and objects. */
  metadata?: Record<string, string>;
}

export type LoadedCheckpoint = SafeFile;

/**
 * Where a checkpoint's bytes are kept, e.g. a file (checkpointFile in src/node/checkpoint-file.ts, Node
 * only) or memory. The trainer takes one instead of a path, so it runs where there are no files.
 */
export interface CheckpointStore {
  /** Names the checkpoint in error messages (a file's path). */
  readonly name: string;
  exists(): Promise<boolean>;
  /** The bytes last saved; fails with a clear message when there are none or they cannot be read. */
  load(): Promise<Uint8Array>;
  /** Replaces the checkpoint as a whole: a save that fails leaves the previous one intact. */
  save(bytes: Uint8Array): Promise<void>;
}

/** Reads every tensor back from the GPU and encodes them, with the metadata, as safetensors bytes. */
export async function encodeCheckpoint({ tensors, metadata = {} }: CheckpointContents): Promise<Uint8Array> {
  const rt = runtime();
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    t.assertAlive(`checkpoint tensor '${name}'`);
    if (!t.storage) fail(`checkpoint tensor '${name}' (${t}) has no values: it was recorded while tracing; save the parameters themselves`);
  }
  await rt.flush();
  // Raw buffer bytes rather than t.data(): that decodes f16 and FP8 to f32, this keeps their bits.
  const arrays = await Promise.all(
    entries.map(async ([name, t]): Promise<[string, SafeArray]> => {
      const bytes = await rt.readBuffer(rt.refOf(t, `checkpoint tensor '${name}'`));
      const dtype = SAFE_DTYPE[t.dtype];
      return [name, { dtype, shape: [...t.shape], data: safeView(dtype, bytes, 0, t.numel) }];
    }),
  );
  return encodeSafetensors(Object.fromEntries(arrays), metadata);
}

/** Validates and decodes a checkpoint's bytes; `name` (a file's path) names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, name: string): LoadedCheckpoint {
  return decodeSafetensors(bytes, `checkpoint '${name}'`);
}

/** Bit masks of the all-ones exponent (Inf or NaN) of the 16- and 8-bit float formats. */
const NON_FINITE_BITS: Partial<Record<SafeDType, number>> = { F16: 0x7c00, F8_E5M2: 0x7c };

/** Where `array` holds its first NaN or ±Inf, or -1 when every value is finite (integer dtypes always are). */
export function firstNonFinite({ dtype, data }: SafeArray): number {
  if (dtype === 'F32') return (data as Float32Array).findIndex((v) => !Number.isFinite(v));
  const mask = NON_FINITE_BITS[dtype];
  return mask === undefined ? -1 : data.findIndex((bits) => (bits & mask) === mask);
}

/**
 * Fails naming the first tensor of `loaded` that holds a NaN or ±Inf: training would go on from
 * weights like that silently as garbage (restoreInto itself copies any bits). `what` starts the message.
 */
export function requireFinite(loaded: LoadedCheckpoint, what: string): void {
  for (const [key, a] of Object.entries(loaded.arrays)) {
    const at = firstNonFinite(a);
    if (at >= 0) {
      const value = a.dtype === 'F32' ? String(a.data[at]) : 'NaN or Inf';
      fail(`${what}: tensor '${key}' holds ${value} at element ${at}; the run that saved it had diverged or the file is damaged. Resume from an earlier checkpoint or start fresh`);
    }
  }
}

export interface RestoreOptions {
  /** Accept checkpoint entries that `tensors` does not name (e.g. load weights without optimizer state). */
  allowExtra?: boolean;
}

/**
 * Writes the loaded values into existing GPU tensors of the same names, shapes and dtypes.
 * Everything is checked first and every mismatch reported at once; nothing is written unless all fit.
 */
export function restoreInto(tensors: Record<string, Tensor>, loaded: LoadedCheckpoint, options: RestoreOptions = {}): void {
  const problems: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const a = loaded.arrays[name];
    if (t.isDisposed || !t.storage) problems.push(`'${name}' (${t}) holds no GPU values (disposed or traced)`);
    else if (!a) problems.push(`'${name}' is not in the checkpoint`);
    else if (a.dtype !== SAFE_DTYPE[t.dtype]) problems.push(`'${name}' is ${a.dtype} in the checkpoint but ${t.dtype} here`);
    else if (!sameShape(a.shape, t.shape)) problems.push(`'${name}' has shape ${fmt(a.shape)} in the checkpoint but ${fmt(t.shape)} here`);
  }
  if (!options.allowExtra) {
    for (const name of Object.keys(loaded.arrays)) {
      if (!Object.hasOwn(tensors, name)) problems.push(`the checkpoint's '${name}' has no tensor here (pass { allowExtra: true } to ignore it)`);
    }
  }
  if (problems.length > 0) fail(`restoreInto: the checkpoint does not fit these tensors: ${problems.join('; ')}. Restore into the model it was saved from.`);

  const rt = runtime();
  for (const [name, t] of Object.entries(tensors)) {
    const { data } = loaded.arrays[name]!;
    // Buffers hold whole 32-bit words; a packed f16/FP8 tail needs padding to the tensor's byte size.
    const words = data.byteLength === t.bytes ? data : padded(data, t.bytes);
    rt.writeTensor(t, words);
  }
}

function padded(data: ArrayBufferView, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}
