import { beforeAll, describe, expect, it } from 'vitest';
import { transpose } from '../../src/kernels/shape/transpose.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

/** x [..., R, C] → [..., C, R] on the CPU. */
function reference(x: ArrayLike<number>, shape: number[]): number[] {
  const [rows, cols] = shape.slice(-2) as [number, number];
  const out = new Array<number>(x.length);
  for (let base = 0; base < x.length; base += rows * cols) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[base + c * rows + r] = x[base + r * cols + c]!;
  }
  return out;
}

// A transpose moves values without arithmetic: the bound is exact equality.
describe('transpose', () => {
  const shapes = [[1, 1], [7, 33], [33, 7], [65, 127], [3, 17, 16], [2, 3, 1, 5], [70000, 1, 2]];
  it(`swaps the last two dimensions exactly for ${shapes.map((s) => `[${s}]`).join(' ')}`, async () => {
    for (const shape of shapes) {
      const x = randomArray(shape.reduce((a, b) => a * b, 1), shape.length);
      const out = transpose(tensor(x, shape));
      const s = [...shape];
      [s[s.length - 2], s[s.length - 1]] = [s.at(-1)!, s.at(-2)!];
      expect([...out.shape]).toEqual(s);
      expect(Array.from(await out.data())).toEqual(reference(x, shape));
    }
  });

  it('moves i32 bits unchanged (values that are NaN or denormal as f32)', async () => {
    const x = Int32Array.from([1, -1, 0x7fc00001, 2, 0x80000001 | 0, 3]);
    const out = await transpose(tensor(x, [2, 3], 'i32')).data();
    expect(out).toBeInstanceOf(Int32Array);
    expect(Array.from(out)).toEqual(reference(x, [2, 3]));
  });

  it('has the transposed gradient', async () => {
    await gradcheck(([x]) => transpose(x!), [{ data: randomArray(2 * 5 * 3, 9), shape: [2, 5, 3] }]);
  });

  it('rejects vectors, saying to reshape first', () => {
    expect(() => transpose(tensor(randomArray(5, 1), [5]))).toThrow(/transpose: .*\[5\].* has rank 1; .*reshape to 2-D/);
  });
});
