// Kernel reflections are parsed once per source in a process and, with a ReflectionStore, once
// across processes (src/node/reflection-store.ts keeps them in a file): part of the time to a
// first step.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { Kernel, setReflectionStore, type Reflection } from '../../src/device/kernel.js';
import { fileReflectionStore } from '../../src/node/reflection-store.js';

let unique = 0;
/** A kernel source no other test has reflected (a comment makes it new). */
const source = (buffer = 'data') => `// reflection test ${process.pid} ${++unique}
struct Params { n: u32, scale: f32 }
@group(0) @binding(0) var<storage, read_write> ${buffer}: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;
override WG: u32 = 64u;
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < p.n) { ${buffer}[gid.x] = ${buffer}[gid.x] * p.scale; }
}`;

afterEach(() => {
  setReflectionStore(null);
  vi.restoreAllMocks();
});

describe('kernel reflection cache', () => {
  it('kernels with the same source and entry parse it once in a process', () => {
    const parse = vi.spyOn(WgslReflect.prototype, 'update');
    const code = source();
    const a = new Kernel({ name: 'test/a', source: code });
    const b = new Kernel({ name: 'test/b', source: code });
    expect(a.storage.map((s) => s.name)).toEqual(['data']);
    expect(b.uniform?.members.map((m) => m.name)).toEqual(['n', 'scale']);
    expect([...b.overrides]).toEqual(['WG']);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('a store gets each new reflection, and a reflection it holds is used without parsing', () => {
    const held = new Map<string, Reflection>();
    setReflectionStore({ get: (k) => held.get(k), set: (k, r) => held.set(k, r) });
    const parse = vi.spyOn(WgslReflect.prototype, 'update');
    const code = source();
    expect(new Kernel({ name: 'test/stored', source: code }).storage.map((s) => s.name)).toEqual(['data']);
    expect(held.size).toBe(1);
    const [key, reflection] = [...held][0]!;
    expect(key).toContain(code);
    expect(parse).toHaveBeenCalledTimes(1);

    // What a later process finds: an entry for a source this process never parsed.
    const later = source();
    const stored: Reflection = { ...reflection, storage: [{ ...reflection.storage[0]!, name: 'from_store' }] };
    held.set(key.replace(code, later), stored);
    expect(new Kernel({ name: 'test/later', source: later }).storage.map((s) => s.name)).toEqual(['from_store']);
    expect(parse).toHaveBeenCalledTimes(1);
  });
});

describe('fileReflectionStore', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gradwgsl-reflect-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const reflection = (): Reflection => {
    const held = new Map<string, Reflection>();
    setReflectionStore({ get: () => undefined, set: (k, r) => held.set(k, r) });
    void new Kernel({ name: 'test/file', source: source() }).storage;
    setReflectionStore(null);
    return [...held.values()][0]!;
  };

  it('keeps entries for a new store on the same folder (a later process), keyed by the full key', () => {
    const dir = join(tempDir(), 'nested');
    const r = reflection();
    fileReflectionStore(dir).set('key one', r);
    const later = fileReflectionStore(dir);
    expect(later.get('key one')).toEqual(r);
    expect(later.get('key two')).toBeUndefined();
  });

  it('starts empty from a damaged file and rewrites it; an unwritable folder only loses the cache', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kernel-reflections.json'), '{"truncated');
    const store = fileReflectionStore(dir);
    expect(store.get('k')).toBeUndefined();
    const r = reflection();
    store.set('k', r);
    expect(fileReflectionStore(dir).get('k')).toEqual(r);

    // A file where the folder should be: no folder can be made there (not even as root).
    const blocked = join(tempDir(), 'a-file');
    writeFileSync(blocked, '');
    const unwritable = fileReflectionStore(join(blocked, 'cache'));
    expect(() => unwritable.set('k', r)).not.toThrow();
    expect(unwritable.get('k')).toEqual(r); // still serves this process
  });
});
