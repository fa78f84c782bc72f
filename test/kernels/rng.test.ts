import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { dropout } from '../../src/kernels/rng/dropout.js';
import { normalsFromBits, philox4x32, rngQuad, rngWords, uniformFromBits } from '../../src/kernels/rng/philox.js';
import { randomBits, randomNormal, randomUniform } from '../../src/kernels/rng/random.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

const hex = (words: ArrayLike<number>) => Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ');
const words = (text: string) => text.split(' ').map((h) => parseInt(h, 16));

// Philox4x32-10 known answers from Random123 (D. E. Shaw Research), file tests/kat_vectors,
// lines "philox4x32 10 <counter ×4> <key ×2> <expected ×4>".
const KAT: [string, string, string][] = [
  ['00000000 00000000 00000000 00000000', '00000000 00000000', '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
  ['ffffffff ffffffff ffffffff ffffffff', 'ffffffff ffffffff', '408f276d 41c83b0e a20bc7c6 6d5451fd'],
  ['243f6a88 85a308d3 13198a2e 03707344', 'a4093822 299f31d0', 'd16cfe09 94fdcceb 5001e420 24126ea1'],
];

/** Mean, variance and the fraction of values inside (lo, hi), in float64. */
function moments(v: ArrayLike<number>, lo: number, hi: number) {
  let s = 0;
  let inside = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    if (v[i]! > lo && v[i]! < hi) inside++;
  }
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i]! - mean) ** 2;
  return { mean, variance: ss / (v.length - 1), inside: inside / v.length };
}

const N = 100_003; // ~100k samples, not a multiple of the 4-element Philox quad

describe('Philox4x32-10', () => {
  it('TypeScript reference matches the Random123 known-answer vectors', () => {
    for (const [ctr, key, expected] of KAT) {
      const out = philox4x32(words(key) as [number, number], words(ctr) as [number, number, number, number]);
      expect(hex(out)).toBe(expected);
    }
  });

  it('WGSL bits equal the TypeScript reference bit for bit on odd sizes', async () => {
    for (const [n, seed, stream] of [[1, 0, 0], [7, 42, 3], [33, 0xdeadbeef, 0xffffffff], [4099, 123456789, 77]] as const) {
      const gpuBits = await randomBits([n], { seed, stream }).data();
      expect(hex(gpuBits)).toBe(hex(rngWords(n, seed, stream)));
    }
  });

  it('a compiled plan mixes its step count into the counter', async () => {
    const n = 37;
    const step = await compile({}, () => ({ r: randomBits([n], { seed: 9, stream: 5 }) }));
    for (let k = 0; k < 3; k++) {
      const { r } = await step.run({}, { read: ['r'] });
      expect(hex(r!)).toBe(hex(rngWords(n, 9, 5, k)));
    }
    step.dispose();
  });
});

describe('random fills', () => {
  it('uniform equals the 24-bit reference exactly, and [lo, hi) within f32 rounding', async () => {
    const n = 1027;
    const bits = rngWords(n, 11, 2);
    const ref = Float64Array.from(bits, uniformFromBits);
    const u = await randomUniform([n], { seed: 11, stream: 2 }).data();
    expect(Array.from(u)).toEqual(Array.from(ref)); // k·2⁻²⁴ is exact in f32
    const scaled = await randomUniform([n], { seed: 11, stream: 2, lo: -3, hi: 5 }).data();
    expect(relError(scaled, ref.map((x) => -3 + 8 * x))).toBeLessThan(1e-6);
  });

  it('uniform moments on 100k samples lie within 5 sigma', async () => {
    const { mean, variance, inside } = moments(await randomUniform([N], { seed: 1 }).data(), 0, 0.25);
    // Sample-mean sd = sqrt(1/12/N) = 9.1e-4; sample-variance sd = sqrt((1/80 − 1/144)/N) = 2.4e-4;
    // a fraction's sd = sqrt(p(1−p)/N) = 1.4e-3 at p = 0.25. Bounds are 5 sigma.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 9.1e-4);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * 2.4e-4);
    expect(Math.abs(inside - 0.25)).toBeLessThan(5 * 1.4e-3);
  });

  it('normal matches Box–Muller in float64 on the same bits', async () => {
    const n = 1031;
    const bits = rngWords(Math.ceil(n / 4) * 4, 3, 8);
    const ref = new Float64Array(n);
    for (let q = 0; 4 * q < n; q++) normalsFromBits(bits.subarray(4 * q, 4 * q + 4)).forEach((z, k) => 4 * q + k < n && (ref[4 * q + k] = z));
    const z = await randomNormal([n], { seed: 3, stream: 8, mean: 2, std: 0.5 }).data();
    // f32 log/cos/sin on the GPU: a few ulp each.
    expect(relError(z, ref.map((x) => 2 + 0.5 * x))).toBeLessThan(1e-5);
  });

  it('normal moments on 100k samples lie within 5 sigma', async () => {
    const { mean, variance, inside } = moments(await randomNormal([N], { seed: 2 }).data(), -1, 1);
    // Sample-mean sd = 1/sqrt(N) = 3.2e-3; sample-variance sd = sqrt(2/N) = 4.5e-3;
    // P(|z| < 1) = 0.682689 with sd sqrt(p(1−p)/N) = 1.5e-3. Bounds are 5 sigma.
    expect(Math.abs(mean)).toBeLessThan(5 * 3.2e-3);
    expect(Math.abs(variance - 1)).toBeLessThan(5 * 4.5e-3);
    expect(Math.abs(inside - 0.682689)).toBeLessThan(5 * 1.5e-3);
  });

  it('same seed and stream repeat; another stream or seed differs; unnamed streams are fresh', async () => {
    const a = await randomUniform([65], { seed: 5, stream: 1 }).data();
    const again = await randomUniform([65], { seed: 5, stream: 1 }).data();
    const otherStream = await randomUniform([65], { seed: 5, stream: 2 }).data();
    const otherSeed = await randomUniform([65], { seed: 6, stream: 1 }).data();
    const fresh1 = await randomUniform([65], { seed: 5 }).data();
    const fresh2 = await randomUniform([65], { seed: 5 }).data();
    expect(Array.from(again)).toEqual(Array.from(a));
    const differs = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).filter((v, i) => v !== y[i]).length;
    expect(differs(otherStream, a)).toBeGreaterThan(60);
    expect(differs(otherSeed, a)).toBeGreaterThan(60);
    expect(differs(fresh1, fresh2)).toBeGreaterThan(60);
  });

  it('rejects bad seeds and parameters with a clear message', () => {
    expect(() => randomUniform([3], { seed: -1 })).toThrow(/seed -1 must be an integer in \[0, 2\^32\)/);
    expect(() => randomUniform([3], { seed: 1, stream: 1.5 })).toThrow(/stream 1.5 must be an integer/);
    expect(() => randomUniform([3], { seed: 1, lo: 2, hi: 1 })).toThrow(/hi \(1\) must be greater than lo \(2\)/);
    expect(() => randomNormal([3], { seed: 1, std: -1 })).toThrow(/std \(-1\) must be >= 0/);
  });
});

/** Reference inverted dropout: element i kept when its uniform >= p (compared in f32, as the GPU). */
function dropoutRef(x: Float32Array, p: number, seed: number, stream: number, step = 0): Float64Array {
  const bits = rngWords(x.length, seed, stream, step);
  const pf = Math.fround(p);
  return Float64Array.from(x, (v, i) => (uniformFromBits(bits[i]!) >= pf ? v * Math.fround(1 / (1 - p)) : 0));
}

describe('dropout', () => {
  it('matches the reference mask and scaling on odd sizes', async () => {
    for (const [shape, p] of [[[7], 0.5], [[33, 3], 0.1], [[127, 5], 0.9]] as [number[], number][]) {
      const x = randomArray(shape.reduce((a, b) => a * b), 4, 0.5, 1.5);
      const out = await dropout(tensor(x, shape), p, { seed: 21, stream: 4 }).data();
      expect(relError(out, dropoutRef(x, p, 21, 4))).toBeLessThan(1e-6);
    }
  });

  it('drops a fraction p of 100k elements within 5 sigma', async () => {
    const p = 0.3;
    const out = await dropout(tensor(new Float32Array(N).fill(1), [N]), p, { seed: 8 }).data();
    const dropped = out.filter((v) => v === 0).length / N;
    // sd of the dropped fraction = sqrt(p(1−p)/N) = 1.45e-3.
    expect(Math.abs(dropped - p)).toBeLessThan(5 * 1.45e-3);
    expect(out.every((v) => v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-6)).toBe(true);
  });

  it('gradient matches finite differences with a fixed seed and stream', async () => {
    await gradcheck(([x]) => dropout(x!, 0.4, { seed: 3, stream: 99 }), [{ data: randomArray(7 * 33, 5), shape: [7, 33] }], {
      samples: 20,
    });
  });

  it('backward regenerates the forward mask at every compiled step, and steps differ', async () => {
    const n = 65;
    const w = randomArray(n, 6, 0.5, 1.5);
    const x = tensor(randomArray(n, 7, 0.5, 1.5), [n]).trainable();
    const step = await compile({}, () => {
      const y = dropout(x, 0.5, { seed: 1 });
      const loss = sumAll(mul(y, tensor(w, [n])));
      loss.backward();
      return { y, gx: x.grad! };
    });
    const masks: string[] = [];
    for (let k = 0; k < 2; k++) {
      const { y, gx } = await step.run({}, { read: ['y', 'gx'] });
      const kept = Array.from(y!, (v) => v !== 0);
      // d loss / d x = w·2 where kept, else 0.
      expect(relError(gx!, Float64Array.from(kept, (on, i) => (on ? 2 * w[i]! : 0)))).toBeLessThan(1e-6);
      masks.push(kept.map(Number).join(''));
    }
    expect(masks[0]).not.toBe(masks[1]);
    step.dispose();
  });

  it('p = 0 is the identity; p outside [0, 1) is rejected', () => {
    const x = tensor(randomArray(7, 1), [7]);
    expect(dropout(x, 0, { seed: 1 })).toBe(x);
    expect(() => dropout(x, 1, { seed: 1 })).toThrow(/p = 1 must be in \[0, 1\)/);
    expect(() => dropout(x, -0.1, { seed: 1 })).toThrow(/must be in \[0, 1\)/);
  });
});

it('rngQuad is Philox under the documented key/counter convention', () => {
  expect(hex(rngQuad(1, 2, 3, 4))).toBe(hex(philox4x32([1, 2], [3, 4, 0, 0])));
});
