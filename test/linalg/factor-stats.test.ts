import { beforeAll, describe, expect, it } from 'vitest';
import { accumulateFactor } from '../../src/kernels/linalg/factor-stats.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';
import { factorRef } from './reference.js';

beforeAll(gpu);

/** A symmetric matrix with random entries. */
function symmetric(n: number, seed: number): Float32Array {
  const r = randomArray(n * n, seed);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = r[Math.min(i, j) * n + Math.max(i, j)]!;
  return out;
}

describe('accumulateFactor: f ← coef0·f + coef1·scale·X̃ᵀX̃ vs float64', () => {
  // f32 sums of m products: relative error < 1e-5 for m ≤ 501 (measured ≤ 1e-6).
  const cases = [
    { m: 1, cols: 1, homogeneous: true },
    { m: 7, cols: 5, homogeneous: false },
    { m: 33, cols: 31, homogeneous: true },
    { m: 501, cols: 65, homogeneous: true },
    { m: 19, cols: 130, homogeneous: false },
  ];
  for (const { m, cols, homogeneous } of cases) {
    it(`X [${m}, ${cols}]${homogeneous ? ' with the ones column' : ''}`, async () => {
      const n = cols + (homogeneous ? 1 : 0);
      const x = randomArray(m * cols, m * 31 + cols, -1, 1);
      const f0 = symmetric(n, n + 5);
      const [keep, add, scale] = [0.9, 0.1, 1 / m];
      const f = tensor(f0, [n, n]);
      accumulateFactor(f, tensor(x, [m, cols]), tensor([keep, add], [2]), { homogeneous, scale });
      const out = (await f.data()) as Float32Array;
      const ref = factorRef(f0, x, m, cols, homogeneous, keep, add, scale);
      expect(relError(out, ref)).toBeLessThan(1e-5);
      // Exactly symmetric, as the mirrored tiles guarantee.
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(out[i * n + j]).toBe(out[j * n + i]);
    });
  }

  it('coef0 = 0 overwrites without reading (NaN in the old factor is dropped)', async () => {
    const [m, cols] = [40, 37];
    const x = randomArray(m * cols, 3);
    const f = tensor(new Float32Array(cols * cols).fill(NaN), [cols, cols]);
    accumulateFactor(f, tensor(x, [m, cols]), tensor([0, 1], [2]), { homogeneous: false, scale: 2 });
    const ref = factorRef(new Float32Array(cols * cols), x, m, cols, false, 0, 1, 2);
    expect(relError((await f.data()) as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('rejects a factor of the wrong size with a clear error', () => {
    const x = tensor(randomArray(12, 1), [3, 4]);
    expect(() => accumulateFactor(tensor(new Float32Array(16), [4, 4]), x, tensor([1, 1], [2]), { homogeneous: true, scale: 1 })).toThrow(/factor has shape \[4,4\], expected \[5,5\]/);
  });
});
