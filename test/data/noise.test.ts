import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/batches.js';
import { CIFAR10_PAIRS, FASHION_MNIST_PAIRS, MNIST_PAIRS, pairNoise, uniformNoise, withLabels } from '../../src/data/noise.js';
import { randomArray } from '../setup.js';

const C = 10;
const N = 10_000;
const clean = Uint32Array.from(randomArray(N, 99, 0, C), Math.floor);

function changedTo(noisy: Uint32Array): number[][] {
  const m = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  noisy.forEach((y, i) => m[clean[i]!]![y]!++);
  return m;
}

describe('uniformNoise', () => {
  for (const rate of [0.2, 0.4, 0.6]) {
    it(`realises rate ${rate} within ±1% on 10,000 labels, never keeping the true class when it corrupts`, () => {
      const noise = uniformNoise(clean, C, { rate, seed: 1 });
      expect(Math.abs(noise.realisedRate - rate)).toBeLessThan(0.01);
      expect(noise.eligibleRate).toBe(noise.realisedRate);
      noise.corrupted.forEach((c, i) => expect(c === 1).toBe(noise.labels[i] !== clean[i]));
      // The replacements spread evenly over the other nine classes: each pair (from, to) gets
      // rate/9 of its class, within 5 binomial standard deviations.
      const m = changedTo(noise.labels);
      for (let a = 0; a < C; a++) {
        const count = m[a]!.reduce((s, v) => s + v, 0);
        const expected = (count * rate) / (C - 1);
        const sd = Math.sqrt(expected);
        for (let b = 0; b < C; b++) if (b !== a) expect(Math.abs(m[a]![b]! - expected)).toBeLessThan(5 * sd);
      }
    });
  }

  it('with includeTrue draws among all classes, realising rate · (C − 1)/C', () => {
    const noise = uniformNoise(clean, C, { rate: 0.6, seed: 2, includeTrue: true });
    expect(Math.abs(noise.realisedRate - 0.54)).toBeLessThan(0.01);
  });

  it('with exact corrupts exactly round(rate · n) labels', () => {
    for (const rate of [0.2, 0.6]) expect(uniformNoise(clean, C, { rate, seed: 3, exact: true }).corrupted.reduce((s, c) => s + c, 0)).toBe(rate * N);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = uniformNoise(clean, C, { rate: 0.4, seed: 5 }).labels;
    expect(uniformNoise(clean, C, { rate: 0.4, seed: 5 }).labels).toEqual(a);
    expect(uniformNoise(clean, C, { rate: 0.4, seed: 6 }).labels).not.toEqual(a);
    expect(uniformNoise(clean, C, { rate: 0, seed: 5 }).labels).toEqual(clean);
  });

  it('rejects bad rates, class counts and labels', () => {
    expect(() => uniformNoise(clean, C, { rate: 1.2, seed: 1 })).toThrow(/rate = 1.2 must be in \[0, 1\]/);
    expect(() => uniformNoise(clean, 1, { rate: 0.2, seed: 1 })).toThrow(/classes = 1 must be an integer >= 2/);
    expect(() => uniformNoise(Uint32Array.of(0, 12), C, { rate: 0.2, seed: 1 })).toThrow(/label 12 of example 1 is not a class index in \[0, 10\)/);
  });
});

describe('pairNoise', () => {
  for (const [name, pairs] of [['MNIST', MNIST_PAIRS], ['CIFAR-10', CIFAR10_PAIRS], ['Fashion-MNIST', FASHION_MNIST_PAIRS]] as const) {
    it(`${name}: flips only source classes, only to their pair, at the requested rate (±1%)`, () => {
      const noise = pairNoise(clean, C, { rate: 0.4, seed: 7, pairs });
      const m = changedTo(noise.labels);
      for (let a = 0; a < C; a++) {
        for (let b = 0; b < C; b++) if (b !== a && b !== pairs[a]) expect(m[a]![b], `${a}→${b}`).toBe(0);
      }
      expect(Math.abs(noise.eligibleRate - 0.4)).toBeLessThan(0.01);
      const sources = clean.filter((y) => y in pairs).length;
      expect(noise.realisedRate).toBeCloseTo((noise.eligibleRate * sources) / N, 12);
      for (const from of Object.keys(pairs).map(Number)) {
        const total = m[from]!.reduce((s, v) => s + v, 0);
        expect(Math.abs(m[from]![pairs[from]!]! / total - 0.4)).toBeLessThan(0.05);
      }
    });
  }

  it('with exact flips exactly round(rate · eligible) labels', () => {
    const eligible = clean.filter((y) => y in MNIST_PAIRS).length;
    const noise = pairNoise(clean, C, { rate: 0.3, seed: 8, pairs: MNIST_PAIRS, exact: true });
    expect(noise.corrupted.reduce((s, c) => s + c, 0)).toBe(Math.round(0.3 * eligible));
  });

  it('rejects pairs outside the classes or onto themselves', () => {
    expect(() => pairNoise(clean, C, { rate: 0.2, seed: 1, pairs: { 3: 10 } })).toThrow(/pair 3→10 must map a class in \[0, 10\)/);
    expect(() => pairNoise(clean, C, { rate: 0.2, seed: 1, pairs: { 4: 4 } })).toThrow(/maps a class to itself/);
  });
});

it('withLabels keeps the examples and swaps the labels, checking the count', () => {
  const ds = makeDataset(randomArray(6, 1), Uint32Array.of(0, 1, 2), [2], 3, 'tiny');
  const relabelled = withLabels(ds, Uint32Array.of(2, 2, 0));
  expect(relabelled.x).toBe(ds.x);
  expect([...relabelled.y]).toEqual([2, 2, 0]);
  expect(() => withLabels(ds, Uint32Array.of(1))).toThrow(/1 labels for 3 examples/);
});
