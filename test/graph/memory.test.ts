// Ops that fail keep no memory, and tensors over the device's limits are refused before any
// buffer exists: nothing is counted as live and the next op does not inherit a stale error.
import { beforeAll, describe, expect, it } from 'vitest';
import { GradwgslError } from '../../src/device/errors.js';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { add } from '../../src/kernels/elementwise/binary.js';
import { fill } from '../../src/kernels/elementwise/fill.js';
import { relu } from '../../src/kernels/elementwise/unary.js';
import { Kernel } from '../../src/device/kernel.js';
import { tensor } from '../../src/tensor/create.js';
import { apply, type OpDef } from '../../src/tensor/tensor.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

const ones = new Kernel({
  name: 'test/ones',
  source: `
struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> p: P;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x < p.n) { out[g.x] = 1.0; }
}`,
});

/** Allocates its output and a scratch buffer, encodes one dispatch, then asks for an invalid one. */
const failsHalfway: OpDef<null> = {
  name: 'failsHalfway',
  infer: () => ({ shape: [1 << 20], dtype: 'f32' }),
  lower(ctx, _node, out) {
    const scratch = ctx.scratch(1 << 18);
    ctx.dispatch({ kernel: ones, bind: { out: scratch }, uniforms: { n: 1 << 16 }, workgroups: 1024 });
    ctx.dispatch({ kernel: ones, bind: { out: ctx.out }, uniforms: { n: out.numel }, workgroups: 0 });
  },
};

async function deviceStillWorks() {
  const out = await add(tensor([1, 2, 3], [3]), tensor([10, 20, 30], [3])).data();
  expect(Array.from(out)).toEqual([11, 22, 33]);
}

/** Pool counts with idle buffers destroyed, once everything encoded has been submitted. */
async function settledStats() {
  const rt = runtime();
  await rt.flush();
  rt.pool.trim();
  return rt.stats();
}

describe('memory of failed ops', () => {
  it('a failed op releases its output and scratch buffers, also inside tidy', async () => {
    const rt = runtime();
    const a = tensor([1, 2], [2]);
    const before = await settledStats();
    for (let i = 0; i < 5; i++) expect(() => apply(failsHalfway, [], null)).toThrow(/failsHalfway\(\) via kernel test\/ones: workgroup count 0/);
    for (let i = 0; i < 5; i++) {
      expect(() =>
        rt.tidy(() => {
          add(a, a); // made before the failure: tidy disposes it too
          return apply(failsHalfway, [], null);
        }),
      ).toThrow(GradwgslError);
    }
    expect(await settledStats()).toEqual(before);
    await deviceStillWorks();
  });

  it('a tensor over the device limits is refused before a buffer exists, naming the op, the size and the limit', async () => {
    const rt = runtime();
    const before = await settledStats();
    const overBinding = Math.floor(rt.gpu.limits.maxStorageBufferBindingSize / 4) + 1024;
    const overBuffer = Math.floor(rt.gpu.limits.maxBufferSize / 4) + 1024;
    for (const words of [overBinding, overBuffer]) {
      expect(() => fill([words], 1)).toThrow(
        new RegExp(`the output of fill\\(\\) -> f32\\[${words}\\] needs .*\\(${words * 4} bytes\\) in one buffer, over this device's maxStorageBufferBindingSize .* smaller batch`),
      );
    }
    expect(() => fill([overBuffer], 1)).toThrow(/and its maxBufferSize of/);
    await expect(compile({ x: { shape: [overBuffer] } }, ({ x }) => ({ y: relu(x!) }))).rejects.toThrow(
      /compiled step input 'x' \(f32\[\d+\]\) needs .* over this device's maxStorageBufferBindingSize/,
    );
    expect(await settledStats()).toEqual(before); // nothing counted as live
    await deviceStillWorks(); // and no stale error
  });
});
