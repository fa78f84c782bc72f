// File access for the data loaders: every failure becomes a GradwgslError that names the path,
// what was expected there and what to do, instead of a raw ENOENT from deep inside Node.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { fail } from '../device/errors.js';

const gunzipAsync = promisify(gunzip);

/** Fails unless `dir` is an existing folder; `expected` describes the files it should hold. */
export async function requireFolder(dir: string, kind: string, expected: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) fail(`${kind} folder '${dir}' does not exist. It should hold ${expected}. Check the path, or download the files into it.`);
  if (!info.isDirectory()) fail(`${kind} folder '${dir}' is a file, not a folder. Name the folder that holds ${expected}.`);
}

/** The first of `candidates` present in `dir`, or an error listing what was looked for and what is there. */
export async function findFile(dir: string, candidates: readonly string[], kind: string): Promise<string> {
  const present = await readdir(dir).catch((e: Error) => fail(`cannot list ${kind} folder '${dir}': ${e.message}`));
  const found = candidates.find((name) => present.includes(name));
  if (found) return join(dir, found);
  const shown = present.length === 0 ? 'it is empty' : `it holds ${present.slice(0, 12).join(', ')}${present.length > 12 ? `, … (${present.length} entries)` : ''}`;
  return fail(`${kind} folder '${dir}' has no ${candidates[0]} (looked for ${candidates.join(', ')}); ${shown}. Download the missing file into it.`);
}

/** The file's bytes, gunzipped when they start with the gzip magic number (whatever the name). */
export async function readBytes(path: string, kind: string): Promise<Uint8Array> {
  const raw = await readFile(path).catch((e: Error) => fail(`cannot read ${kind} file '${path}': ${e.message}`));
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (e) {
    return fail(`${kind} file '${path}' is gzip-compressed but cannot be decompressed (${(e as Error).message}): it is probably truncated or corrupt; download it again.`);
  }
}
