// Importing gradwgsl parses no WGSL: the engine defines its kernels at module load, and each
// one reads its layouts from its source with wgsl_reflect only when it is first used.
import { describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ sources: [] as string[] }));

vi.mock('wgsl_reflect/wgsl_reflect.module.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('wgsl_reflect/wgsl_reflect.module.js')>();
  class CountingReflect extends real.WgslReflect {
    constructor(code: string) {
      super(code);
      parsed.sources.push(code);
    }
  }
  return { ...real, WgslReflect: CountingReflect };
});

const SOURCE = `
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < params.n) { y[id.x] = 2.0 * x[id.x]; }
}`;

describe('kernel reflection', () => {
  it('importing every public entry parses no shader', async () => {
    await import('gradwgsl');
    await import('gradwgsl/fhe');
    await import('gradwgsl/experiments');
    expect(parsed.sources.map((s) => s.slice(0, 300))).toEqual([]);
  });

  it('a kernel is reflected once, on first use', async () => {
    const { Kernel } = await import('gradwgsl');
    const kernel = new Kernel({ name: 'test/lazy', source: SOURCE });
    expect(parsed.sources).toEqual([]);
    expect(kernel.bindingNames()).toEqual(['x', 'y', 'params']);
    expect(kernel.storage.map((b) => b.access)).toEqual(['read', 'read_write']);
    expect(kernel.defaultWorkgroupSize).toEqual([64, 1, 1]);
    expect(parsed.sources).toEqual([SOURCE]);
  });

  it('a missing entry point is reported on first use, naming the kernel', async () => {
    const { GradwgslError, Kernel } = await import('gradwgsl');
    const kernel = new Kernel({ name: 'test/no-entry', source: SOURCE, entry: 'absent' });
    expect(() => kernel.bindingNames()).toThrow(GradwgslError);
    expect(() => kernel.bindingNames()).toThrow(/kernel test\/no-entry: entry point absent not found among \[main\]/);
  });
});
