// A compiled step checks every feed before anything is written: present, known, the typed array
// of the input's dtype (or a Tensor of its dtype and shape) and the right length.
import { beforeAll, describe, expect, it } from 'vitest';
import { GradwgslError } from '../../src/device/errors.js';
import { compile, type Feeds } from '../../src/graph/compile.js';
import { add } from '../../src/kernels/elementwise/binary.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';
import { linearStep } from './linear-step.js';

beforeAll(gpu);

const [B, D, C] = [4, 3, 5];

const classifier = () => linearStep(randomArray(D * C, 1), [B, D, C], 0.1);

describe('compiled step feeds', () => {
  it('refuses f32 labels for a u32 input (same byte size) before they reach the weights', async () => {
    const { w, step } = await classifier();
    const before = await w.data();
    const x = randomArray(B * D, 2);
    await expect(step.run({ x, y: Float32Array.from([0, 1, 2, 3]) }, { read: ['loss'] })).rejects.toThrow(
      /input 'y' is u32\[4\] and needs a Uint32Array \(or a Tensor\), got Float32Array; convert it, e\.g\. Uint32Array\.from/,
    );
    await expect(step.run({ x: Int32Array.from(x), y: new Uint32Array(B) })).rejects.toThrow(/input 'x' is f32\[4,3\] and needs a Float32Array/);
    expect([...(await w.data())]).toEqual([...before]);
    const ok = await step.run({ x, y: Uint32Array.from([0, 1, 2, 3]) }, { read: ['loss'] });
    expect(Number.isFinite(ok.loss![0])).toBe(true);
    step.dispose();
  });

  it('says what is missing, extra, too short or not an object', async () => {
    const { step } = await classifier();
    const x = randomArray(B * D, 3);
    const y = new Uint32Array(B);
    await expect(step.run(null as unknown as Feeds)).rejects.toThrow(/feeds must be an object .* got null; use \{\} for a step without inputs/);
    await expect(step.run(undefined as unknown as Feeds)).rejects.toThrow(GradwgslError);
    await expect(step.run({ x })).rejects.toThrow(/input 'y' \(u32\[4\]\) was not fed/);
    await expect(step.run({ x, y, z: y })).rejects.toThrow(/no input named 'z'; inputs are x, y/);
    await expect(step.run({ x: x.subarray(1), y })).rejects.toThrow(/input 'x' needs 12 values for f32\[4,3\], got 11/);
    step.dispose();
  });

  it('takes a Tensor of the input dtype and shape, copied on the GPU in the same submit', async () => {
    const step = await compile({ a: { shape: [2, 2] } }, ({ a }) => ({ b: add(a!, a!) }));
    const out = await step.run({ a: tensor([1, 2, 3, 4], [2, 2]) }, { read: ['b'] });
    expect([...out.b!]).toEqual([2, 4, 6, 8]);
    await expect(step.run({ a: tensor([1, 2, 3, 4], [4]) })).rejects.toThrow(/input 'a' needs f32\[2,2\], got the tensor Tensor#\d+\(leaf f32\[4\]\)/);
    await expect(step.run({ a: tensor([1, 2, 3, 4], [2, 2], 'u32') })).rejects.toThrow(/needs f32\[2,2\]/);
    const gone = tensor([1, 2, 3, 4], [2, 2]);
    gone.dispose();
    await expect(step.run({ a: gone })).rejects.toThrow(/was disposed/);
    step.dispose();
  });
});
