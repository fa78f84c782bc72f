import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { gaussian, heNormal, xavierUniform } from '../../src/nn/init.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

const SHAPE = [257, 389]; // 99,973 samples, odd dims

function stats(v: ArrayLike<number>) {
  let s = 0;
  let max = 0;
  for (let i = 0; i < v.length; i++) (s += v[i]!), (max = Math.max(max, Math.abs(v[i]!)));
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (v.length - 1)), max };
}

// For N ≈ 1e5 samples of a normal, the sample mean's sd is σ/sqrt(N) = 3.2e-3·σ and the sample
// sd's relative sd is 1/sqrt(2N) = 2.2e-3; for a uniform on (−b, b) the sample sd's relative sd
// is sqrt((9/5 − 1)/(4N)) = 1.4e-3. Bounds are 5 sigma.
describe('initialisers', () => {
  it('heNormal has mean 0 and std sqrt(2/fanIn), as a trainable leaf', async () => {
    const fanIn = 389;
    const w = heNormal(SHAPE, fanIn, 7);
    expect(w.kind).toBe('leaf');
    expect(w.requiresGrad).toBe(true);
    expect([...w.shape]).toEqual(SHAPE);
    const sigma = Math.sqrt(2 / fanIn);
    const { mean, std } = stats(await w.data());
    expect(Math.abs(mean)).toBeLessThan(5 * 3.2e-3 * sigma);
    expect(Math.abs(std / sigma - 1)).toBeLessThan(5 * 2.2e-3);
  });

  it('xavierUniform stays inside ±sqrt(6/(fanIn+fanOut)) with std b/sqrt(3)', async () => {
    const b = Math.sqrt(6 / (389 + 257));
    const { mean, std, max } = stats(await xavierUniform(SHAPE, 389, 257, 7).data());
    expect(max).toBeLessThanOrEqual(b);
    expect(Math.abs(mean)).toBeLessThan((5 * b) / Math.sqrt(3 * 99_973));
    expect(Math.abs(std / (b / Math.sqrt(3)) - 1)).toBeLessThan(5 * 1.4e-3);
  });

  it('gaussian has the requested std; the seed alone decides the values (reproducible models)', async () => {
    const a = gaussian(SHAPE, 0.02, 3);
    const b = gaussian(SHAPE, 0.02, 3);
    const c = gaussian(SHAPE, 0.02, 4);
    const [da, db, dc] = [await a.data(), await b.data(), await c.data()];
    expect(Math.abs(stats(da).std / 0.02 - 1)).toBeLessThan(5 * 2.2e-3);
    expect(Array.from(db)).toEqual(Array.from(da));
    expect(da.filter((v, i) => v !== dc[i]).length).toBeGreaterThan(0.99 * da.length);
  });

  it('owns its storage after the random op is gone, and refuses to run inside compile()', async () => {
    const w = gaussian([7, 33], 1, 1);
    const first = Array.from(await w.data());
    gaussian([7, 33], 1, 2); // reuses pool buffers if w's storage had been returned
    expect(Array.from(await w.data())).toEqual(first);
    await expect(compile({}, () => ({ w: heNormal([3], 3, 1) }))).rejects.toThrow(/make them before compile\(\)/);
    expect(() => heNormal([3], 0, 1)).toThrow(/fanIn = 0 must be a positive integer/);
  });
});
