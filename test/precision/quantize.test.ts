// The WGSL rounding and codes (shaders/precision/grid.wgsl, quantize.wgsl) bit for bit against
// the TypeScript references, exhaustively over codes and on a million f32 of every class.
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, roundTo } from '../../src/kernels/precision/quantize.js';
import { rngWords } from '../../src/kernels/rng/philox.js';
import { decodeCode, encodeCode } from '../../src/precision/codec.js';
import { BINARY16, FP16_169, FP8_E5M2, floatFormat, ulp, type FloatFormat } from '../../src/precision/format.js';
import { roundToGrid } from '../../src/precision/round.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';
import { packedLeaf, rawWords, sameF32 } from './bits.js';
import { bitsToF32, f32Samples } from './f32-samples.js';

beforeAll(gpu);

const FORMATS: FloatFormat[] = [FP8_E5M2, FP16_169, BINARY16];

function codeAt(words: Uint32Array, i: number, format: FloatFormat): number {
  const per = 32 / format.bits;
  return (words[Math.floor(i / per)]! >>> (format.bits * (i % per))) & (2 ** format.bits - 1);
}

function firstMismatch(n: number, ok: (i: number) => boolean): number {
  for (let i = 0; i < n; i++) if (!ok(i)) return i;
  return -1;
}

describe('codes: every code, GPU vs TypeScript', () => {
  for (const f of FORMATS) {
    it(`${f.name}: decode all ${2 ** f.bits} codes, and re-encode their values`, async () => {
      const n = 2 ** f.bits;
      const per = 32 / f.bits;
      const words = new Uint32Array(n / per);
      for (let c = 0; c < n; c++) words[Math.floor(c / per)]! |= c << (f.bits * (c % per));
      const dtype = f === FP8_E5M2 ? 'fp8e5m2' : f === BINARY16 ? 'f16' : 'u32';
      const codes = packedLeaf(words, dtype === 'u32' ? [n / per] : [n], dtype);
      const values = decode(codes, f, [n]);
      const got = await rawWords(values);
      const bad = firstMismatch(n, (c) => sameF32(got[c]!, decodeCode(c, f)));
      expect(bad, `code ${bad}: GPU bits ${got[bad]?.toString(16)} vs ${decodeCode(bad, f)}`).toBe(-1);
      const again = await rawWords(encode(values, f));
      const badEnc = firstMismatch(n, (c) => codeAt(again, c, f) === encodeCode(decodeCode(c, f), f));
      expect(badEnc, `code ${badEnc} re-encoded as ${codeAt(again, badEnc, f)}`).toBe(-1);
    });
  }
});

describe('rounding: 10^6 f32 of every class, GPU vs TypeScript', () => {
  const N = 1_000_003;
  for (const f of FORMATS) {
    it(`${f.name}: RNE and truncation to f32-on-grid; RNE codes`, async () => {
      const bits = f32Samples(N, 21, f);
      const x = tensor(bitsToF32(bits), [N]);
      const xs = bitsToF32(bits);
      for (const mode of ['rne', 'trunc'] as const) {
        const got = await rawWords(roundTo(x, f, { mode }));
        const bad = firstMismatch(N, (i) => sameF32(got[i]!, roundToGrid(xs[i]!, f, mode)));
        expect(bad, `${mode}(${xs[bad]} = 0x${bits[bad]?.toString(16)}): GPU 0x${got[bad]?.toString(16)}, ref ${roundToGrid(xs[bad] ?? 0, f, mode)}`).toBe(-1);
      }
      const codes = await rawWords(encode(x, f));
      const bad = firstMismatch(N, (i) => codeAt(codes, i, f) === encodeCode(xs[i]!, f));
      expect(bad, `encode(${xs[bad]})`).toBe(-1);
      x.dispose();
    });
  }

  it('the top-binade ablation format saturates at 114688', async () => {
    const f = floatFormat(5, 2, { topBinadeUsable: true });
    const xs = Float32Array.of(1e6, 70000, 100000, -115000, 57344, 3.3);
    const got = await rawWords(roundTo(tensor(xs, [xs.length]), f));
    expect(firstMismatch(xs.length, (i) => sameF32(got[i]!, roundToGrid(xs[i]!, f, 'rne')))).toBe(-1);
    expect(roundToGrid(1e6, f, 'rne')).toBe(114688);
  });
});

describe('stochastic rounding on the GPU (Philox words)', () => {
  it('is bit-identical to the reference fed the same Philox words, on odd sizes', async () => {
    for (const [n, f] of [[1, FP16_169], [7, FP8_E5M2], [1031, FP16_169], [4099, BINARY16]] as const) {
      const xs = randomArray(n, n, -3, 3);
      const got = await rawWords(roundTo(tensor(xs, [n]), f, { mode: 'sr', seed: 42, stream: 5 }));
      const words = rngWords(n, 42, 5, 0);
      const bad = firstMismatch(n, (i) => sameF32(got[i]!, roundToGrid(xs[i]!, f, 'sr', words[i]!)));
      expect(bad, `${f.name} n=${n} element ${bad}`).toBe(-1);
    }
  });

  it('same seed gives the same bits, another seed other bits', async () => {
    const x = tensor(randomArray(4001, 3, -2, 2), [4001]);
    const a = await rawWords(roundTo(x, FP16_169, { mode: 'sr', seed: 1, stream: 0 }));
    const b = await rawWords(roundTo(x, FP16_169, { mode: 'sr', seed: 1, stream: 0 }));
    const c = await rawWords(roundTo(x, FP16_169, { mode: 'sr', seed: 2, stream: 0 }));
    expect([...a]).toEqual([...b]);
    const differ = a.filter((v, i) => v !== c[i]).length;
    expect(differ).toBeGreaterThan(1000);
  });

  // One value repeated n times: each copy draws its own word, so the mean over copies is the
  // SR expectation and the count of round-ups is binomial(n, dropped fraction).
  const cases: [string, FloatFormat, number][] = [
    ['FP16 (1,6,9), 0.3 ulp above 1', FP16_169, 1 + 0.3 * 2 ** -9],
    ['FP16 (1,6,9), negative, 0.71 ulp', FP16_169, -(3 + 0.71 * 2 ** -8)],
    ['FP16 (1,6,9), subnormal range', FP16_169, 5.25 * 2 ** -39],
    ['FP8, 0.1 ulp', FP8_E5M2, 1.025],
    ['FP8, subnormal range', FP8_E5M2, 2.6 * 2 ** -16],
  ];
  for (const [name, f, value] of cases) {
    it(`${name}: mean within 3σ of the value; round-up rate = dropped fraction`, async () => {
      const n = 40_003;
      const x = Math.fround(value);
      const got = await (await roundTo(tensor(new Float32Array(n).fill(x), [n]), f, { mode: 'sr', seed: 9 })).data();
      const lo = roundToGrid(x, f, 'trunc');
      const step = ulp(f, x) * Math.sign(x);
      const p = (x - lo) / step;
      let ups = 0;
      let sum = 0;
      let offGrid = 0;
      for (const v of got) {
        if (v !== lo && v !== lo + step) offGrid++;
        if (v !== lo) ups++;
        sum += v;
      }
      expect(offGrid).toBe(0);
      const sigmaCount = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(ups - n * p)).toBeLessThan(3 * sigmaCount);
      expect(Math.abs(sum / n - x)).toBeLessThan((3 * Math.abs(step) * sigmaCount) / n);
    });
  }
});

describe('encode counters and errors', () => {
  it('counts FP8 underflows among nonzero inputs', async () => {
    const xs = Float32Array.of(0, 1e-9, -2e-6, 1, 0, 3e-5, -1e-7, 7, 0.5);
    const counter = tensor(new Uint32Array([5, 10]), [2], 'u32');
    const codes = encode(tensor(xs, [xs.length]), FP8_E5M2, { counter });
    expect([...(await decode(codes, FP8_E5M2).data())]).toEqual(Array.from(xs, (v) => roundToGrid(v, FP8_E5M2, 'rne')));
    // 1e-9, -2e-6 and -1e-7 flush to zero (min subnormal 2^-16 ≈ 1.5e-5); 3e-5 survives.
    expect([...(await counter.data())]).toEqual([5 + 3, 10 + 7]);
  });

  it('names the problem', () => {
    const u = tensor(new Uint32Array(3), [3], 'u32');
    expect(() => roundTo(u, FP8_E5M2)).toThrow(/has dtype u32; this op takes f32/);
    const x = tensor(randomArray(3, 1), [3]);
    expect(() => roundTo(x, FP8_E5M2, { mode: 'sr' })).toThrow(/needs a seed/);
    expect(() => decode(u, FP16_169, [9])).toThrow(/expected u32\[5\] from encode/);
    expect(() => encode(x, FP8_E5M2, { counter: x })).toThrow(/u32 tensor of at least 2/);
  });
});
