// Bad input gives an error that says what is wrong, and the device keeps working afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIdxFolder } from '../../src/node/idx.js';
import { GpuError, GradwgslError } from '../../src/device/errors.js';
import { runtime } from '../../src/graph/runtime.js';
import { add } from '../../src/kernels/elementwise/binary.js';
import { fill } from '../../src/kernels/elementwise/fill.js';
import { matmul } from '../../src/kernels/gemm/matmul.js';
import { Kernel } from '../../src/device/kernel.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { reshape } from '../../src/kernels/shape/reshape.js';
import { tensor } from '../../src/tensor/create.js';
import { apply, type OpDef } from '../../src/tensor/tensor.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

async function deviceStillWorks() {
  const out = await add(tensor([1, 2, 3], [3]), tensor([10, 20, 30], [3])).data();
  expect(Array.from(out)).toEqual([11, 22, 33]);
}

describe('bad input', () => {
  it('mismatched shapes name both shapes', async () => {
    const a = tensor(randomArray(7 * 5, 1), [7, 5]);
    const b = tensor(randomArray(6 * 3, 2), [6, 3]);
    expect(() => matmul(a, b)).toThrow(GradwgslError);
    expect(() => matmul(a, b)).toThrow(/\[7,5\].*\[6,3\]|\[6,3\].*\[7,5\]/);
    expect(() => reshape(a, [4, 9])).toThrow(/cannot view .* as \[4,9\]/);
    await deviceStillWorks();
  });

  it('a wrong dtype says which one was expected', async () => {
    const logits = tensor(randomArray(6, 3), [2, 3]);
    expect(() => softmaxCrossEntropy(logits, tensor([0, 1], [2]))).toThrow(/u32/);
    expect(() => add(tensor([1, 2], [2], 'u32'), tensor([1, 2], [2]))).toThrow(/dtype u32.*f32/);
    await deviceStillWorks();
  });

  it('zero-size tensors and data that does not fill the shape are refused', async () => {
    expect(() => tensor([], [0, 3])).toThrow(/zero-size/);
    expect(() => fill([5, 0], 1)).toThrow(/zero-size/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
    expect(() => tensor([1], [-1])).toThrow(/invalid dimension/);
    await deviceStillWorks();
  });

  it('integer tensors refuse values their dtype cannot hold, naming the first and its index', async () => {
    expect(() => tensor([-1, 2.7], [2], 'u32')).toThrow(/value -1 at index 0 is not a u32/);
    expect(() => tensor([1, 2.7], [2], 'u32')).toThrow(/value 2.7 at index 1 is not a u32/);
    expect(() => tensor([0, 2 ** 32], [2], 'u32')).toThrow(/value 4294967296 at index 1/);
    expect(() => tensor(Float32Array.from([3, NaN]), [2], 'i32')).toThrow(/value NaN at index 1 is not a i32/);
    expect(() => tensor(Uint32Array.from([2 ** 31]), [1], 'i32')).toThrow(/value 2147483648 at index 0 is not a i32/);
    expect(() => tensor(Int32Array.from([-5]), [1], 'u32')).toThrow(/value -5 at index 0/);
    expect(() => tensor([1, 2, 3], [2], 'u32')).toThrow(/3 values do not fill shape \[2\]/);
    expect(Array.from(await tensor([0, 7, 2 ** 32 - 1], [3], 'u32').data())).toEqual([0, 7, 2 ** 32 - 1]);
    expect(Array.from(await tensor([-(2 ** 31), 5], [2], 'i32').data())).toEqual([-(2 ** 31), 5]);
    await deviceStillWorks();
  });

  it('a dispatch over the device limits is refused before WebGPU sees it', async () => {
    const rt = runtime();
    const words = Math.floor(rt.gpu.limits.maxStorageBufferBindingSize / 4) + 1024;
    if (words * 4 > rt.gpu.limits.maxBufferSize) return;
    expect(() => fill([words], 1)).toThrow(/fill\(\) -> f32\[\d+\] needs .* over this device's maxStorageBufferBindingSize .* smaller batch/);
    await deviceStillWorks();
  });

  it('a missing data folder lists what was looked for', async () => {
    await expect(loadIdxFolder('/nonexistent/mnist-folder')).rejects.toThrow(/\/nonexistent\/mnist-folder/);
    await expect(loadIdxFolder('/nonexistent/mnist-folder')).rejects.toThrow(/train-images-idx3-ubyte/);
  });

  it('a WGSL compile error reports the line and the offending source', async () => {
    const broken = new Kernel({
      name: 'test/broken',
      source: '@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  out[0] = undefined_name;\n}\n',
    });
    const err = await broken.compiled(runtime().gpu).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuError);
    expect(String((err as Error).message)).toMatch(/kernel test\/broken[\s\S]*line 3[\s\S]*undefined_name/);
    await deviceStillWorks();
  });

  it('a WebGPU validation error is thrown at the next flush, naming the op, shapes and kernel', async () => {
    // A vec4 array needs bindings of at least 16 bytes; a 1-element f32 tensor has 4.
    const kernel = new Kernel({
      name: 'test/needs-vec4',
      source: '@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;\n@compute @workgroup_size(1) fn main() { out[0] = vec4<f32>(1.0); }\n',
    });
    const op: OpDef<object> = {
      name: 'misbound',
      infer: () => ({ shape: [1], dtype: 'f32' }),
      lower: (ctx) => ctx.dispatch({ kernel, bind: { out: ctx.out }, workgroups: 1 }),
    };
    apply(op, [], {});
    const err = await runtime().flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuError);
    expect(String((err as Error).message)).toMatch(/validation error in misbound\(\) via kernel test\/needs-vec4/);
    await deviceStillWorks();
  });
});
