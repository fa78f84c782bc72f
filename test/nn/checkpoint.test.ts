import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runtime } from '../../src/graph/runtime.js';
import { encodeCheckpoint, firstNonFinite, requireFinite, restoreInto } from '../../src/nn/checkpoint.js';
import { checkpointFile, loadCheckpoint, saveCheckpoint } from '../../src/node/checkpoint-file.js';
import { tensor } from '../../src/tensor/create.js';
import type { DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gpu, randomArray } from '../setup.js';

// The rename that publishes a checkpoint; a test makes it fail once, as if the process died there.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return { ...fs, rename: vi.fn(fs.rename) };
});

let dir: string;
beforeAll(async () => {
  await gpu();
  dir = await mkdtemp(join(tmpdir(), 'gradwgsl-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A leaf holding raw words: how f16 and FP8 tensors look (there is no CPU constructor for them). */
function packed(dtype: DType, shape: number[], bits: Uint8Array): Tensor {
  const t = new Tensor(shape, dtype, 'leaf');
  const words = new Uint8Array(t.bytes);
  words.set(bits);
  runtime().upload(t, words);
  runtime().adopt(t);
  return t;
}

/** The bytes a tensor holds on the GPU (its whole words). */
async function gpuBytes(t: Tensor): Promise<number[]> {
  await runtime().flush();
  return Array.from(new Uint8Array(await runtime().readBuffer({ buffer: t.storage!.buffer, size: t.bytes })));
}

/** One tensor of each dtype, odd sizes, values from `seed`. */
function model(seed: number): Record<string, Tensor> {
  const bytes = (n: number) => Uint8Array.from(randomArray(n, seed, 0, 256), Math.floor);
  return {
    'fc.weight': tensor(randomArray(35, seed), [7, 5]),
    'fc.bias': tensor(randomArray(7, seed + 1), [7]),
    'counts': tensor(Uint32Array.from(randomArray(13, seed, 0, 4e9)), [13], 'u32'),
    'shifts': tensor(Int32Array.from(randomArray(3, seed, -1e9, 1e9)), [3], 'i32'),
    'half': packed('f16', [5], bytes(10)), // 5 halves: 10 bytes in a 12-byte buffer
    'fp8': packed('fp8e5m2', [7], bytes(7)), // 7 bytes in an 8-byte buffer
  };
}

const METADATA = { step: '120', epoch: '3', rng: JSON.stringify({ streams: 4, seed: 9 }) };

describe('checkpoints', () => {
  it('save → load → restoreInto reproduces every tensor bit for bit, with the metadata', async () => {
    const saved = model(1);
    const path = join(dir, 'roundtrip.safetensors');
    await saveCheckpoint(path, { tensors: saved, metadata: METADATA });
    const loaded = await loadCheckpoint(path);
    expect({ ...loaded.metadata }).toEqual(METADATA);
    expect(loaded.arrays['fc.weight']).toMatchObject({ dtype: 'F32', shape: [7, 5] });
    expect(Array.from(loaded.arrays['fc.weight']!.data)).toEqual(Array.from(randomArray(35, 1)));
    expect(loaded.arrays.half).toMatchObject({ dtype: 'F16', shape: [5] });
    expect(loaded.arrays.fp8).toMatchObject({ dtype: 'F8_E5M2', shape: [7] });

    const target = model(2);
    for (const name of Object.keys(saved)) expect(await gpuBytes(target[name]!)).not.toEqual(await gpuBytes(saved[name]!));
    restoreInto(target, loaded);
    for (const [name, t] of Object.entries(saved)) expect(await gpuBytes(target[name]!), name).toEqual(await gpuBytes(t));
    expect(Array.from(await target.shifts!.data())).toEqual(Array.from(await saved.shifts!.data()));
  });

  it('an interrupted save leaves the previous checkpoint intact and no temp file behind', async () => {
    const path = join(dir, 'atomic.safetensors');
    await saveCheckpoint(path, { tensors: model(3), metadata: { step: '1' } });
    const before = await readFile(path);
    let tempAtCrash: string[] = [];
    vi.mocked(rename).mockImplementationOnce(async () => {
      tempAtCrash = (await readdir(dir)).filter((f) => f.startsWith('.atomic.safetensors.'));
      throw new Error('simulated crash between writing the temp file and renaming it');
    });
    await expect(saveCheckpoint(path, { tensors: model(4), metadata: { step: '2' } })).rejects.toThrow(
      /cannot write checkpoint '.*atomic\.safetensors': simulated crash .*Any previous checkpoint there is unchanged/,
    );
    expect(tempAtCrash).toHaveLength(1); // the new data had been written beside the old file
    expect(await readFile(path)).toEqual(before);
    expect((await loadCheckpoint(path)).metadata.step).toBe('1');
    expect((await readdir(dir)).filter((f) => f.includes('atomic'))).toEqual(['atomic.safetensors']);
    await saveCheckpoint(path, { tensors: model(4), metadata: { step: '2' } }); // works again
    expect((await loadCheckpoint(path)).metadata.step).toBe('2');
  });

  it('restoreInto lists every mismatch and writes nothing unless all fit', async () => {
    const path = join(dir, 'mismatch.safetensors');
    await saveCheckpoint(path, { tensors: model(5) });
    const loaded = await loadCheckpoint(path);
    const target = model(6);
    const before = await gpuBytes(target['fc.weight']!);
    const wrong = {
      ...target,
      'fc.bias': tensor(randomArray(8, 1), [8]),
      'counts': tensor(randomArray(13, 1), [13]),
      'extra': tensor(randomArray(2, 1), [2]),
    };
    delete (wrong as Record<string, Tensor>).half;
    expect(() => restoreInto(wrong, loaded)).toThrow(
      /'fc\.bias' has shape \[7\] in the checkpoint but \[8\] here; 'counts' is U32 in the checkpoint but f32 here; 'extra' is not in the checkpoint; the checkpoint's 'half' has no tensor here/,
    );
    expect(await gpuBytes(target['fc.weight']!)).toEqual(before);
    // Loading weights alone from a fuller checkpoint is allowed when asked for.
    restoreInto({ 'fc.weight': target['fc.weight']! }, loaded, { allowExtra: true });
    expect(Array.from(await target['fc.weight']!.data())).toEqual(Array.from(randomArray(35, 5)));
  });

  it('checkpointFile is the store a trainer resumes from: exists, atomic save, load of the same bytes', async () => {
    const store = checkpointFile(join(dir, 'store.safetensors'));
    expect(await store.exists()).toBe(false);
    await expect(store.load()).rejects.toThrow(/checkpoint '.*store\.safetensors' does not exist; check the path/);
    const bytes = await encodeCheckpoint({ tensors: model(8), metadata: { step: '8' } });
    await store.save(bytes);
    expect(await store.exists()).toBe(true);
    expect(new Uint8Array(await store.load())).toEqual(bytes);
    expect((await loadCheckpoint(store.name)).metadata.step).toBe('8');
    expect((await readdir(dir)).filter((f) => f.includes('store'))).toEqual(['store.safetensors']);
    // A path through a file is not "no checkpoint yet" (which would start over): it is an error.
    await expect(checkpointFile(join(store.name, 'x.safetensors')).exists()).rejects.toThrow(/cannot look for checkpoint '.*store\.safetensors\/x\.safetensors': ENOTDIR/);
  });

  it('explains missing, corrupt and unwritable checkpoint files', async () => {
    await expect(loadCheckpoint(join(dir, 'missing.safetensors'))).rejects.toThrow(/checkpoint '.*missing\.safetensors' does not exist/);
    const path = join(dir, 'cut.safetensors');
    await saveCheckpoint(path, { tensors: model(7) });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 5));
    await expect(loadCheckpoint(path)).rejects.toThrow(/checkpoint '.*cut\.safetensors': tensor '.*' ends at data byte \d+ but only \d+ data bytes follow the header: the file is truncated/);
    await expect(saveCheckpoint(join(dir, 'no', 'such', 'x.safetensors'), { tensors: model(7) })).rejects.toThrow(/folder '.*such' does not exist; create it first/);
    await expect(saveCheckpoint(join(dir, 'bad.safetensors'), { tensors: model(7), metadata: { step: 3 as unknown as string } })).rejects.toThrow(/metadata 'step' is a number/);
    await expect(stat(join(dir, 'bad.safetensors'))).rejects.toThrow();
    const gone = tensor(randomArray(3, 1), [3]);
    gone.dispose();
    await expect(saveCheckpoint(join(dir, 'gone.safetensors'), { tensors: { gone } })).rejects.toThrow(/checkpoint tensor 'gone'.*disposed/);
  });

  it('the next save or load of a checkpoint removes the temp files of saves whose process died', async () => {
    const path = join(dir, 'orphans.safetensors');
    const store = checkpointFile(path);
    await store.save(await encodeCheckpoint({ tensors: model(9) }));
    // A pid no process can have (Linux hands out at most 2^22) and one that is running (our parent).
    const deadPid = 2 ** 22 + 1;
    const orphan = (pid: number) => join(dir, `.orphans.safetensors.${pid}-0.tmp`);
    await writeFile(orphan(deadPid), 'half a checkpoint');
    await writeFile(orphan(process.ppid), 'a save in progress');
    await writeFile(join(dir, `.other.safetensors.${deadPid}-0.tmp`), 'another checkpoint\'s');
    await store.load();
    const left = await readdir(dir);
    expect(left).not.toContain(`.orphans.safetensors.${deadPid}-0.tmp`);
    expect(left).toContain(`.orphans.safetensors.${process.ppid}-0.tmp`);
    expect(left).toContain(`.other.safetensors.${deadPid}-0.tmp`);
    await writeFile(orphan(deadPid), 'half a checkpoint');
    await store.save(await encodeCheckpoint({ tensors: model(9) }));
    expect(await readdir(dir)).not.toContain(`.orphans.safetensors.${deadPid}-0.tmp`);
  });

  it('finds NaN and Inf in f32, f16 and FP8 tensors, and names the tensor', () => {
    expect(firstNonFinite({ dtype: 'F32', shape: [3], data: Float32Array.of(1, -2, 3) })).toBe(-1);
    expect(firstNonFinite({ dtype: 'F32', shape: [3], data: Float32Array.of(1, NaN, Infinity) })).toBe(1);
    expect(firstNonFinite({ dtype: 'F16', shape: [3], data: Uint16Array.of(0x3c00, 0x7bff, 0xfc00) })).toBe(2); // 1, 65504, -Inf
    expect(firstNonFinite({ dtype: 'F8_E5M2', shape: [2], data: Uint8Array.of(0x7b, 0x7d) })).toBe(1); // 57344, NaN
    expect(firstNonFinite({ dtype: 'U32', shape: [1], data: Uint32Array.of(0xffffffff) })).toBe(-1);
    const loaded = { metadata: {}, arrays: { 'ok': { dtype: 'F32' as const, shape: [1], data: Float32Array.of(0) }, 'model.0.weight': { dtype: 'F32' as const, shape: [2], data: Float32Array.of(0, -Infinity) } } };
    expect(() => requireFinite(loaded, "resume: checkpoint 'x'")).toThrow("resume: checkpoint 'x': tensor 'model.0.weight' holds -Infinity at element 1");
  });
});
