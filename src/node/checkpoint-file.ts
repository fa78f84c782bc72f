// Checkpoint files (Node only: the CLI, tests, scripts): a checkpoint's bytes (checkpoint.ts) in
// one .safetensors file. A save never leaves a half-written file under the checkpoint's name: it
// writes a temporary file beside it, syncs it, then renames. A process killed mid-save leaves its
// temporary file behind; the next save or load of that checkpoint removes it.
import { access, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { GradwgslError, fail } from '../device/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents, type CheckpointStore, type LoadedCheckpoint } from '../nn/checkpoint.js';

/** The checkpoint file at `path`, as the store a trainer writes and resumes from (FitOptions.checkpoint). */
export function checkpointFile(path: string): CheckpointStore {
  return {
    name: path,
    exists: () => fileExists(path),
    load: async () => {
      await removeOrphanedTemps(path);
      return readCheckpointFile(path);
    },
    save: async (bytes) => {
      await removeOrphanedTemps(path);
      await writeAtomically(path, bytes);
    },
  };
}

/** Reads every tensor back from the GPU and writes them, with the metadata, to `path` atomically. */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeAtomically(path, await encodeCheckpoint(contents));
}

/** Reads and validates a checkpoint file. */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  return decodeCheckpoint(await readCheckpointFile(path), path);
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ENOENT' ? false : fail(`cannot look for checkpoint '${path}': ${err.message}`);
  }
}

function readCheckpointFile(path: string): Promise<Uint8Array> {
  return readFile(path).catch((e: NodeJS.ErrnoException) =>
    fail(e.code === 'ENOENT' ? `checkpoint '${path}' does not exist; check the path` : `cannot read checkpoint '${path}': ${e.message}`),
  );
}

let tempCounter = 0;

/** The temporary file a save of `path` writes first: `.<name>.<pid>-<n>.tmp` beside it. */
function tempName(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${process.pid}-${tempCounter++}.tmp`);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it runs, under another user
  }
}

/** Deletes the temporary files of `path` whose writing process has ended (interrupted saves). */
async function removeOrphanedTemps(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  const prefix = `.${basename(path)}.`;
  const names = await readdir(folder).catch(() => [] as string[]);
  const orphans = names.filter((name) => {
    const m = name.startsWith(prefix) ? /^(\d+)-\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
    return m !== null && Number(m[1]) !== process.pid && !processRuns(Number(m[1]));
  });
  await Promise.all(orphans.map((name) => unlink(join(folder, name)).catch(() => undefined)));
}

/** Temp file in the target's folder (so rename is atomic), fsync, rename over the target, fsync the folder. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(resolve(path));
  const temp = tempName(path);
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
