import { beforeAll, describe, expect, it } from 'vitest';
import { invertSpd, readInverseStatus } from '../../src/kernels/linalg/spd-inverse.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';
import { factorRef, maxRelError, randomOrthogonal, spdInverseRef, withEigenvalues } from './reference.js';

beforeAll(gpu);

/** A random SPD-ish Gram matrix XᵀX/m, X [2n, n] uniform in (−1, 1). */
function gram(n: number, seed: number): Float32Array {
  const m = 2 * n;
  return Float32Array.from(factorRef(new Float32Array(n * n), randomArray(m * n, seed), m, n, false, 0, 1, 1 / m));
}

async function invert(a: Float32Array, n: number, shift: number) {
  const target = tensor(new Float32Array(n * n).fill(NaN), [n, n]);
  const status = tensor([7], [1], 'u32');
  invertSpd(target, tensor(a, [n, n]), tensor([shift], [1]), status);
  return { inv: (await target.data()) as Float32Array, status };
}

/** max over the checked columns c of ‖(A + λI)·X[:, c] − e_c‖∞, in float64. */
function residual(a: ArrayLike<number>, x: ArrayLike<number>, n: number, shift: number, columns: readonly number[]): number {
  let worst = 0;
  for (const c of columns) {
    for (let i = 0; i < n; i++) {
      let s = shift * x[i * n + c]!;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * x[k * n + c]!;
      worst = Math.max(worst, Math.abs(s - (i === c ? 1 : 0)));
    }
  }
  return worst;
}

describe('invertSpd: (A + λI)⁻¹ by blocked Gauss–Jordan vs float64 Cholesky', () => {
  // Gram matrices with λ = 0.1 have condition numbers below ~10: f32 gives ‖residual‖∞ < 1e-5
  // and a max relative error < 2e-5 against the float64 inverse (measured below 3e-6).
  for (const n of [1, 2, 31, 33, 64, 257]) {
    it(`n = ${n}`, async () => {
      const a = gram(n, n);
      const { inv, status } = await invert(a, n, 0.1);
      await readInverseStatus(status, 'test');
      expect(maxRelError(inv, spdInverseRef(a, n, 0.1))).toBeLessThan(2e-5);
      expect(residual(a, inv, n, 0.1, [...Array(n).keys()])).toBeLessThan(1e-5);
    });
  }

  it('n = 1025 (33 blocks; residual on 24 columns)', async () => {
    // Symmetric and strictly diagonally dominant (so SPD, κ ≤ 5), cheap to build at this size.
    const n = 1025;
    const r = randomArray(n * n, 9);
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? 1.5 + r[i * n + i]! / 4 : r[Math.min(i, j) * n + Math.max(i, j)]! / n;
    const { inv, status } = await invert(a, n, 0.1);
    await readInverseStatus(status, 'test');
    const columns = Array.from({ length: 24 }, (_, i) => Math.floor((i * n) / 24) + (i % 3));
    expect(residual(a, inv, n, 0.1, columns)).toBeLessThan(1e-4);
  });

  it('badly conditioned: eigenvalues 1 … 1e-5 (κ ≈ 1e5), n = 70', async () => {
    // f32 forward error grows like κ·ε ≈ 1e5 · 6e-8: relative error below 5e-2 is the bound.
    const n = 70;
    const eig = Array.from({ length: n }, (_, i) => 10 ** (-5 * (i / (n - 1))));
    const a = Float32Array.from(withEigenvalues(randomOrthogonal(n, (k) => randomArray(k, 1000 + k * 7 + eig.length)), eig));
    const { inv, status } = await invert(a, n, 0);
    await readInverseStatus(status, 'test');
    // The reference inverts the f32-rounded matrix, like the GPU.
    expect(maxRelError(inv, spdInverseRef(a, n, 0))).toBeLessThan(5e-2);
  });

  it('a matrix with a negative eigenvalue is reported, and readInverseStatus fails clearly', async () => {
    const n = 40;
    const eig = Array.from({ length: n }, (_, i) => (i === 25 ? -0.5 : 1 + i / n));
    const a = Float32Array.from(withEigenvalues(randomOrthogonal(n, (k) => randomArray(k, 77 + k)), eig));
    const { status } = await invert(a, n, 0.1);
    expect((await status.data())[0]).toBeGreaterThan(0);
    await expect(readInverseStatus(status, 'K-FAC A factor')).rejects.toThrow(/K-FAC A factor: the damped matrix is not positive definite: pivot \d+/);
  });

  it('NaN input is reported at its pivot', async () => {
    const n = 5;
    const a = gram(n, 3);
    a[2 * n + 2] = NaN;
    const { status } = await invert(a, n, 0.1);
    expect((await status.data())[0]).toBe(3);
  });

  it('rejects non-square input and same-tensor target', () => {
    const sq = tensor(new Float32Array(9), [3, 3]);
    const st = tensor([0], [1], 'u32');
    const shift = tensor([1], [1]);
    expect(() => invertSpd(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [2, 3]), shift, st)).toThrow(/only square matrices/);
    expect(() => invertSpd(sq, sq, shift, st)).toThrow(/must be different tensors/);
  });
});
