// Output files and folders of the CLI: checked (and their folders created) before any work starts,
// so a bad --out or --checkpoint fails at once; and a finished result is never lost to a failed
// final write: it goes to a temporary folder instead, and the message says where.
import { accessSync, constants, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GradwgslError, fail } from 'gradwgsl';

function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOTDIR' || err.code === 'EEXIST') return 'a part of that path is a file, not a folder';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  if (err.code === 'EROFS') return 'the file system is read-only';
  return err.message;
}

/** Creates `dir` (and its parents) or fails naming `option`; then checks that it can be written. */
export function prepareOutputDir(option: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) fail(`${option} ${dir}: that is a file, not a folder; choose a folder`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof GradwgslError) throw e;
    fail(`${option} ${dir}: cannot create or write that folder (${why(e)}); choose another`);
  }
}

/** Makes sure `file` can be written: its folder exists (created if needed) and it is not a folder itself. */
export function prepareOutputFile(option: string, file: string): void {
  try {
    if (statSync(file).isDirectory()) fail(`${option} ${file}: that is a folder; give a file name`);
  } catch (e) {
    if (e instanceof GradwgslError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(`${option} ${file}: cannot use that path (${why(e)}); choose another`);
  }
  prepareOutputDir(option, dirname(resolve(file)));
}

export interface SavedOutputs {
  /** The folder the files are in: `dir`, or a temporary one when writing there failed. */
  dir: string;
  /** Why `dir` could not be used (undefined when it was). */
  failure?: string;
}

/**
 * Writes `files` (name → contents) into `dir`. If that fails (the disk filled up, the folder was
 * removed), writes them into a new temporary folder instead; if even that fails, throws with the
 * reason and leaves printing the result to the caller.
 */
export function saveOutputs(dir: string, files: Record<string, string>): SavedOutputs {
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return { dir };
  } catch (e) {
    const failure = `cannot write into ${dir} (${why(e)})`;
    const fallback = mkdtempSync(join(tmpdir(), 'gradwgsl-result-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(fallback, name), text);
    return { dir: fallback, failure };
  }
}
