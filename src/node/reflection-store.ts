// Kernel reflections kept across processes in one JSON file (src/device/kernel.ts: parsing WGSL in
// JavaScript is a large part of the time to a first step; Dawn's own pipeline cache is not
// reachable from Node, the driver's shader cache is the driver's). Entries are keyed by the
// SHA-256 of everything a reflection depends on, so a changed kernel or reflecting code never
// meets an old entry. A cache only: an unreadable or unwritable file means parsing as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setReflectionStore, type Reflection, type ReflectionStore } from '../device/kernel.js';

const FILE = 'kernel-reflections.json';

/** $GRADWGSL_CACHE_DIR, else $XDG_CACHE_HOME/gradwgsl, else ~/.cache/gradwgsl. */
export function defaultCacheDir(): string {
  return process.env.GRADWGSL_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gradwgsl');
}

/** A store in `dir`/kernel-reflections.json, read once now and rewritten (atomically) on each new entry. */
export function fileReflectionStore(dir = defaultCacheDir()): ReflectionStore {
  const path = join(dir, FILE);
  let entries: Record<string, Reflection> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entries = parsed as Record<string, Reflection>;
  } catch {
    // No file yet, or a damaged one: start empty, the next entry rewrites it.
  }
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  return {
    get: (key) => entries[hash(key)],
    set(key, reflection) {
      entries[hash(key)] = reflection;
      const temp = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temp, JSON.stringify(entries));
        renameSync(temp, path); // readers see the old file or the new one, never half of one
      } catch {
        // Read-only or full disk: the reflection still serves this process.
      }
    },
  };
}

/** Keeps kernel reflections in `dir` (default: defaultCacheDir()) from now on, for every later process too. */
export function cacheKernelReflections(dir?: string): void {
  setReflectionStore(fileReflectionStore(dir));
}
