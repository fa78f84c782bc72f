// The CPU references of src/precision against an enumerating oracle and hand-checked cases.
import { describe, expect, it } from 'vitest';
import { halfToFloat } from '../../src/graph/readback.js';
import { PAPER_ACCUMULATION, chunkedSum, dotChunked } from '../../src/precision/accumulate.js';
import { decodeCode, encodeCode, pack, unpack } from '../../src/precision/codec.js';
import { BINARY16, FP16_169, FP8_E4M3, FP8_E5M2, floatFormat, floorLog2, ulp, type FloatFormat } from '../../src/precision/format.js';
import { chunkedGemm } from '../../src/precision/gemm-reference.js';
import { onGrid, roundToGrid, srBits } from '../../src/precision/round.js';
import { randomArray } from '../setup.js';
import { bitsToF32, f32Samples } from './f32-samples.js';
import { gridOracle } from './grid-oracle.js';

const FORMATS: FloatFormat[] = [FP8_E5M2, FP16_169, BINARY16];

describe('format constants (spec §1 table)', () => {
  it('FP8 (1,5,2), FP16 (1,6,9), binary16 and the top-binade ablation', () => {
    expect([FP8_E5M2.minSubnormal, FP8_E5M2.minNormal, FP8_E5M2.maxFinite]).toEqual([2 ** -16, 2 ** -14, 57344]);
    expect([FP16_169.minSubnormal, FP16_169.minNormal, FP16_169.maxFinite]).toEqual([2 ** -39, 2 ** -30, (2 - 2 ** -9) * 2 ** 31]);
    expect([BINARY16.minSubnormal, BINARY16.minNormal, BINARY16.maxFinite]).toEqual([2 ** -24, 2 ** -14, 65504]);
    expect(floatFormat(5, 2, { topBinadeUsable: true }).maxFinite).toBe(114688);
    expect([ulp(FP8_E5M2, 1), ulp(FP16_169, 1), ulp(BINARY16, 1)]).toEqual([0.25, 2 ** -9, 2 ** -10]);
  });

  it('OCP E4M3: the top binade holds numbers up to 448 (its all-ones mantissa is NaN); overflow saturates there', () => {
    expect([FP8_E4M3.minSubnormal, FP8_E4M3.minNormal, FP8_E4M3.maxFinite, FP8_E4M3.emax]).toEqual([2 ** -9, 2 ** -6, 448, 8]);
    expect([roundToGrid(464, FP8_E4M3, 'rne'), roundToGrid(470, FP8_E4M3, 'rne'), roundToGrid(-1e6, FP8_E4M3, 'rne')]).toEqual([448, 448, -448]);
    expect(roundToGrid(440, FP8_E4M3, 'rne')).toBe(448);
    expect(onGrid(416, FP8_E4M3) && !onGrid(480, FP8_E4M3)).toBe(true);
    // maxFinite must be a grid value of the top binade.
    expect(() => floatFormat(4, 3, { topBinadeUsable: true, maxFinite: 449 })).toThrow(/grid value of the top binade, in \(256, 480\] in steps of 32/);
    expect(() => floatFormat(4, 3, { topBinadeUsable: true, maxFinite: 512 })).toThrow(/top binade/);
    expect(() => floatFormat(4, 3, { topBinadeUsable: true, maxFinite: 224 })).toThrow(/top binade/);
  });

  it('floorLog2 is exact for f32 normals, f32 subnormals and other doubles', () => {
    const xs = [2 ** -149, 3 * 2 ** -140, 2 ** -127, 2 ** -126, 0.1, 1 / 3, 1, 1.5, 2 - 2 ** -23, 3e38, 2 ** 1000 * 1.5];
    expect(xs.map(floorLog2)).toEqual([-149, -139, -127, -126, -4, -2, 0, 0, 0, 127, 1000]);
  });
});

describe('codes: exhaustive decode/encode', () => {
  it('all 256 FP8 codes decode as the top byte of a binary16 (the engine readback)', () => {
    for (let c = 0; c < 256; c++) {
      const v = decodeCode(c, FP8_E5M2);
      const h = halfToFloat(c << 8);
      expect(Object.is(v, h) || (Number.isNaN(v) && Number.isNaN(h)), `code ${c}`).toBe(true);
    }
  });

  it('all binary16 codes decode as IEEE half', () => {
    for (let c = 0; c < 65536; c++) {
      const v = decodeCode(c, BINARY16);
      const h = halfToFloat(c);
      if (!(Object.is(v, h) || (Number.isNaN(v) && Number.isNaN(h)))) expect.fail(`code ${c}: ${v} vs ${h}`);
    }
  });

  for (const f of FORMATS) {
    it(`${f.name}: every code round-trips; NaN codes give the canonical NaN, infinities saturate`, () => {
      const top = (1 << f.expBits) - 1;
      const nanCode = (1 << (f.expBits + f.manBits)) - 1;
      const maxCode = (top << f.manBits) - 1;
      let previous = -1;
      for (let c = 0; c < 2 ** f.bits; c++) {
        const v = decodeCode(c, f);
        const exp = (c >>> f.manBits) & top;
        const sign = c >>> (f.bits - 1);
        const expected = exp !== top ? c : (c & ((1 << f.manBits) - 1)) === 0 ? (sign << (f.bits - 1)) | maxCode : nanCode;
        const got = encodeCode(v, f);
        if (got !== expected) expect.fail(`${f.name} code ${c} (${v}) re-encodes as ${got}, expected ${expected}`);
        // Positive finite codes are in increasing order of value, and every value is on the grid.
        if (sign === 0 && exp !== top) {
          if (!(v > previous) || !onGrid(v, f)) expect.fail(`${f.name} code ${c} = ${v} out of order or off-grid`);
          previous = v;
        }
      }
      expect(previous).toBe(f.maxFinite);
    });
  }

  it('pack/unpack: four FP8 or two 16-bit codes per word, little-endian, odd lengths', () => {
    const x = randomArray(13, 3, -3, 3);
    const words = pack(x, FP8_E5M2);
    expect(words.length).toBe(4);
    expect((words[1]! >>> 8) & 0xff).toBe(encodeCode(x[5]!, FP8_E5M2));
    expect([...unpack(words, 13, FP8_E5M2)]).toEqual(Array.from(x, (v) => roundToGrid(v, FP8_E5M2, 'rne')));
    const w16 = pack(x, FP16_169);
    expect(w16.length).toBe(7);
    expect(w16[2]! >>> 16).toBe(encodeCode(x[5]!, FP16_169));
    expect([...unpack(w16, 13, FP16_169)]).toEqual(Array.from(x, (v) => roundToGrid(v, FP16_169, 'rne')));
    expect(() => unpack(words, 17, FP8_E5M2)).toThrow(/4 words hold 16/);
  });
});

describe('rounding reference vs the enumerating oracle', () => {
  for (const f of FORMATS) {
    it(`${f.name}: RNE and truncation of 200k f32 (specials, subnormals, ties, overflow)`, () => {
      const oracle = gridOracle(f);
      const x = bitsToF32(f32Samples(200_000, 11, f));
      for (const mode of ['rne', 'trunc'] as const) {
        for (let i = 0; i < x.length; i++) {
          const r = roundToGrid(x[i]!, f, mode);
          const o = oracle.round(x[i]!, mode);
          if (!(Object.is(r, o) || (Number.isNaN(r) && Number.isNaN(o)))) expect.fail(`${f.name} ${mode}(${x[i]}) = ${r}, oracle ${o}`);
        }
      }
    });
  }

  it('hand-checked boundary cases', () => {
    const q = 2 ** -16; // FP8 subnormal quantum
    const cases: [number, FloatFormat, number][] = [
      [1.125, FP8_E5M2, 1], // tie between 1 and 1.25: even mantissa
      [1.375, FP8_E5M2, 1.5],
      [0.5 * q, FP8_E5M2, 0], // subnormal ties
      [1.5 * q, FP8_E5M2, 2 * q],
      [2.5 * q, FP8_E5M2, 2 * q],
      [3.75 * q, FP8_E5M2, 4 * q], // rounds up into the smallest normal
      [60000, FP8_E5M2, 57344], // saturation, not infinity
      [-1e30, FP8_E5M2, -57344],
      [Infinity, FP8_E5M2, 57344],
      [65520, BINARY16, 65504],
      [1 + 2 ** -10, FP16_169, 1], // tie at 1.0 in (1,6,9)
      [1 + 3 * 2 ** -10, FP16_169, 1 + 2 ** -8],
      [1025, FP16_169, 1024], // spacing 2 above 1024: the swamping mechanism
      [2 ** -40, FP16_169, 0],
      [1.5 * 2 ** -40, FP16_169, 2 ** -39],
    ];
    for (const [x, f, want] of cases) expect(roundToGrid(x, f, 'rne'), `${f.name} rne(${x})`).toBe(want);
    expect(Object.is(roundToGrid(-0, FP8_E5M2, 'rne'), -0)).toBe(true);
    expect(Object.is(roundToGrid(-1e-45, FP16_169, 'rne'), -0)).toBe(true);
    expect(roundToGrid(NaN, FP8_E5M2, 'sr', 5)).toBeNaN();
    expect(roundToGrid(1.99, FP8_E5M2, 'trunc')).toBe(1.75);
    expect(roundToGrid(-1.99, FP8_E5M2, 'trunc')).toBe(-1.75);
  });
});

describe('stochastic rounding reference', () => {
  it('rounds up for exactly the dropped fraction of the 2^sh random words (normal and subnormal range)', () => {
    const f = FP16_169;
    const sh = srBits(f);
    const xs = [1 + 2 ** -9 * 0.3, -(1 + 2 ** -9 * 0.3), 3.1, 1e-10, 7 * 2 ** -39 + 2 ** -41];
    for (const x of xs) {
      const lo = roundToGrid(x, f, 'trunc');
      const step = ulp(f, x);
      let ups = 0;
      for (let r = 0; r < 2 ** sh; r++) {
        const v = roundToGrid(x, f, 'sr', r);
        expect(v === lo || v === lo + Math.sign(x) * step).toBe(true);
        if (v !== lo) ups++;
      }
      // Dropped fraction truncated to sh bits (exact for values in the normal range).
      const frac = Math.floor(((Math.abs(Math.fround(x)) - Math.abs(lo)) / step) * 2 ** sh);
      expect(ups, `x = ${x}`).toBe(frac);
    }
  });

  it('uses only the low sh bits of the random word', () => {
    const x = 1.3;
    for (const r of [0, 12345, 2 ** 21 - 1]) {
      expect(roundToGrid(x, FP8_E5M2, 'sr', r)).toBe(roundToGrid(x, FP8_E5M2, 'sr', r + 2 ** 21 * 7));
    }
  });
});

describe('chunked accumulation reference', () => {
  it('sequential FP16 (1,6,9) sums of ones freeze at 1024; chunks of 64 stay exact', () => {
    const ones = new Float64Array(2048).fill(1);
    expect(chunkedSum(ones, { ...PAPER_ACCUMULATION, chunk: 2048 })).toBe(1024);
    expect(chunkedSum(ones, PAPER_ACCUMULATION)).toBe(2048);
    // binary16 freezes at 2048.
    expect(chunkedSum(new Float64Array(4096).fill(1), { format: BINARY16, chunk: 4096, mode: 'rne' })).toBe(2048);
  });

  it('a partial last chunk is summed, and the chunk sums are rounded in order', () => {
    const p = [1, 2 ** -9, 2 ** -9, 3]; // CL = 3: chunk 0 = RNE(RNE(1 + 2^-9) + 2^-9)
    const s0 = roundToGrid(roundToGrid(1 + 2 ** -9, FP16_169, 'rne') + 2 ** -9, FP16_169, 'rne');
    expect(chunkedSum(p, { ...PAPER_ACCUMULATION, chunk: 3 })).toBe(roundToGrid(s0 + 3, FP16_169, 'rne'));
  });

  it('chunked dot products of FP8 vectors stay near the float64 value', () => {
    const n = 3001;
    const a = Array.from(randomArray(n, 1, 0, 2), (v) => roundToGrid(v, FP8_E5M2, 'rne'));
    const b = Array.from(randomArray(n, 2, 0, 2), (v) => roundToGrid(v, FP8_E5M2, 'rne'));
    const exact = a.reduce((s, v, i) => s + v * b[i]!, 0);
    const chunked = dotChunked(a, b, PAPER_ACCUMULATION);
    const sequential = dotChunked(a, b, { ...PAPER_ACCUMULATION, chunk: n });
    expect(Math.abs(chunked - exact) / exact).toBeLessThan(0.01);
    expect(Math.abs(sequential - exact) / exact).toBeGreaterThan(0.05);
  });

  it('GEMM reference: each transpose gives the dot products of the logical rows and columns', () => {
    const [M, N, K] = [3, 5, 7];
    const A = Array.from(randomArray(M * K, 4), (v) => roundToGrid(v, FP8_E5M2, 'rne'));
    const B = Array.from(randomArray(K * N, 5), (v) => roundToGrid(v, FP8_E5M2, 'rne'));
    const acc = { ...PAPER_ACCUMULATION, chunk: 3 };
    const base = chunkedGemm({ M, N, K }, { values: A, format: FP8_E5M2, transposed: false }, { values: B, format: FP8_E5M2, transposed: false }, acc);
    const At = Array.from({ length: M * K }, (_, i) => A[(i % M) * K + Math.floor(i / M)]!);
    const Bt = Array.from({ length: K * N }, (_, i) => B[(i % K) * N + Math.floor(i / K)]!);
    const t = chunkedGemm({ M, N, K }, { values: At, format: FP8_E5M2, transposed: true }, { values: Bt, format: FP8_E5M2, transposed: true }, acc);
    expect([...t]).toEqual([...base]);
    const row = Array.from({ length: K }, (_, k) => A[1 * K + k]!);
    const col = Array.from({ length: K }, (_, k) => B[k * N + 4]!);
    expect(base[1 * N + 4]).toBe(dotChunked(row, col, acc));
  });
});
