// Checkpoints: named GPU tensors plus string metadata (optimizer step, RNG counters, epoch, as
// JSON strings) in one .safetensors file that PyTorch can open. A save never leaves a half-written
// file under the checkpoint's name: it writes a temporary file beside it, syncs it, then renames.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeSafetensors, encodeSafetensors, safeView, type SafeArray, type SafeDType, type SafeFile } from '../data/safetensors.js';
import { GradwgslError, fail } from '../device/errors.js';
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

/** Reads every tensor back from the GPU and writes them, with the metadata, to `path` atomically. */
export async function saveCheckpoint(path: string, { tensors, metadata = {} }: CheckpointContents): Promise<void> {
  const rt = runtime();
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    t.assertAlive(`saveCheckpoint('${name}')`);
    if (!t.storage) fail(`saveCheckpoint: '${name}' (${t}) has no values: it was recorded while tracing; save the parameters themselves`);
  }
  await rt.flush();
  // Raw buffer bytes rather than t.data(): that decodes f16 and FP8 to f32, this keeps their bits.
  const arrays = await Promise.all(
    entries.map(async ([name, t]): Promise<[string, SafeArray]> => {
      const bytes = await rt.readBuffer({ buffer: t.storage!.buffer, size: t.bytes });
      const dtype = SAFE_DTYPE[t.dtype];
      return [name, { dtype, shape: [...t.shape], data: safeView(dtype, bytes, 0, t.numel) }];
    }),
  );
  await writeAtomically(path, encodeSafetensors(Object.fromEntries(arrays), metadata));
}

let tempCounter = 0;

/** Temp file in the target's folder (so rename is atomic), fsync, rename over the target, fsync the folder. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(resolve(path));
  const temp = join(folder, `.${basename(path)}.${process.pid}-${tempCounter++}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? `folder '${folder}' does not exist; create it first` : err.message;
    throw new GradwgslError(`cannot write checkpoint '${path}': ${why}. Any previous checkpoint there is unchanged.`);
  }
  // Makes the rename itself durable. Some systems (Windows) cannot open folders: the file is
  // already complete and in place, so that is not an error.
  const dir = await open(folder, 'r').catch(() => null);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}

/** Reads and validates a checkpoint file. */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) =>
    fail(e.code === 'ENOENT' ? `checkpoint '${path}' does not exist; check the path` : `cannot read checkpoint '${path}': ${e.message}`),
  );
  return decodeSafetensors(bytes, `checkpoint '${path}'`);
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
    rt.write(t.storage!.buffer, words);
  }
}

function padded(data: ArrayBufferView, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}
