import { describe, expect, it } from 'vitest';
import { batches, makeDataset, permutation, subset, type Dataset } from '../../src/data/batches.js';
import { SeededRng } from '../../src/data/rng.js';
import { randomArray } from '../setup.js';

/** n examples of shape [2, 3]; example i's values are all different from every other example's. */
function toyDataset(n: number): Dataset {
  const x = randomArray(n * 6, 7, 0, 1);
  const y = Uint32Array.from({ length: n }, (_, i) => (i * 7) % 5);
  return makeDataset(x, y, [2, 3], 5, 'toy');
}

function row(ds: Dataset, i: number): number[] {
  return Array.from(ds.x.subarray(i * 6, (i + 1) * 6));
}

describe('SeededRng', () => {
  it('repeats for the same seed and stream and differs across seeds and streams', () => {
    const draw = (seed: number, stream: number) => {
      const r = new SeededRng(seed, stream);
      return Array.from({ length: 8 }, () => r.nextU32());
    };
    expect(draw(5, 0)).toEqual(draw(5, 0));
    expect(draw(5, 0)).not.toEqual(draw(6, 0));
    expect(draw(5, 0)).not.toEqual(draw(5, 1));
  });

  it('below(k) is uniform: 20,000 draws of below(10) put 2,000 ± 10% in each bin', () => {
    const r = new SeededRng(42);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) bins[r.below(10)]!++;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
    const f = Array.from({ length: 1000 }, () => r.nextFloat());
    expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...f)).toBeLessThan(1);
  });

  it('rejects seeds that are not 32-bit integers', () => {
    expect(() => new SeededRng(1.5)).toThrow(/seed 1.5 must be an integer/);
    expect(() => new SeededRng(0, -1)).toThrow(/stream -1/);
    expect(() => new SeededRng(0).below(0)).toThrow(/bound 0/);
  });
});

describe('permutation', () => {
  it('is a permutation, fixed by (seed, epoch), different across epochs and seeds', () => {
    const p = permutation(1001, 3, 2);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1001 }, (_, i) => i));
    expect(permutation(1001, 3, 2)).toEqual(p);
    expect(permutation(1001, 3, 3)).not.toEqual(p);
    expect(permutation(1001, 4, 2)).not.toEqual(p);
  });

  it('draws all 6 orders of 3 items equally often (an off-by-one Fisher–Yates would not)', () => {
    const counts = new Map<string, number>();
    for (let epoch = 0; epoch < 6000; epoch++) {
      const key = permutation(3, 11, epoch).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});

describe('batches', () => {
  const ds = toyDataset(33);

  it('visits every example once per epoch, in batches of 7 then 5, with matching rows and labels', () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (const b of batches(ds, { batchSize: 7, seed: 9, epoch: 1 })) {
      buffers.add(b.x.buffer);
      sizes.push(b.size);
      expect(b.x.length).toBe(b.size * 6);
      b.indices.forEach((k, i) => {
        expect(Array.from(b.x.subarray(i * 6, (i + 1) * 6))).toEqual(row(ds, k));
        expect(b.y[i]).toBe(ds.y[k]);
      });
      seen.push(...b.indices);
    }
    expect(sizes).toEqual([7, 7, 7, 7, 5]);
    expect(buffers.size).toBe(1); // one gather buffer, reused by every batch
    expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 33 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 33 }, (_, i) => i)); // actually shuffled
  });

  it('gives the same order for the same seed and epoch, another for the next epoch', () => {
    const order = (epoch: number) => [...batches(ds, { batchSize: 8, seed: 1, epoch })].flatMap((b) => [...b.indices]);
    expect(order(0)).toEqual(order(0));
    expect(order(1)).not.toEqual(order(0));
  });

  it('drops the short last batch on request', () => {
    const sizes = [...batches(ds, { batchSize: 7, dropLast: true })].map((b) => b.size);
    expect(sizes).toEqual([7, 7, 7, 7]);
  });

  it('unshuffled batches are views of the dataset, in order', () => {
    const all = [...batches(ds, { batchSize: 10, shuffle: false })];
    expect(all.map((b) => b.size)).toEqual([10, 10, 10, 3]);
    for (const [j, b] of all.entries()) {
      expect(b.x.buffer).toBe(ds.x.buffer);
      expect(b.x.byteOffset).toBe(j * 10 * 6 * 4);
      expect(Array.from(b.indices)).toEqual(Array.from({ length: b.size }, (_, i) => j * 10 + i));
    }
  });

  it('rejects bad batch sizes and inconsistent data', () => {
    expect(() => [...batches(ds, { batchSize: 0 })]).toThrow(/batchSize 0 must be a positive integer/);
    expect(() => makeDataset(new Float32Array(11), new Uint32Array(2), [2, 3], 5, 'bad')).toThrow(/2 labels need 2 × 6 = 12 values.*got 11/);
    expect(() => makeDataset(new Float32Array(6), Uint32Array.of(5), [2, 3], 5, 'bad')).toThrow(/label 5 of example 0 is not a class index in \[0, 5\)/);
    expect(() => subset(ds, [0, 33])).toThrow(/index 33 is not one of the dataset's 33 examples/);
  });

  it('subset copies the chosen examples', () => {
    const s = subset(ds, [4, 0, 4]);
    expect(s.n).toBe(3);
    expect(row(s, 0)).toEqual(row(ds, 4));
    expect(row(s, 1)).toEqual(row(ds, 0));
    expect(Array.from(s.y)).toEqual([ds.y[4], ds.y[0], ds.y[4]]);
    expect(s.x.buffer).not.toBe(ds.x.buffer);
  });
});
