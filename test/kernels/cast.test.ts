import { beforeAll, describe, expect, it } from 'vitest';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { halfToFloat } from '../../src/graph/readback.js';
import { runtime } from '../../src/graph/runtime.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

/** f64 -> nearest binary16 value (ties to even), by search over the 65536 codes' values. */
const HALVES = Float64Array.from({ length: 0x7c00 }, (_, h) => halfToFloat(h)); // finite positives, ascending
function roundToHalf(v: number): number {
  const a = Math.abs(v);
  let lo = 0;
  let hi = HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HALVES[mid]! <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - HALVES[lo]!;
  const dh = HALVES[hi]! - a;
  const pick = dl < dh || (dl === dh && lo % 2 === 0) ? lo : hi;
  return Math.sign(v) * HALVES[pick]!;
}

describe('cast f32 <-> f16', () => {
  it('rounds to the nearest binary16 (ties to even) on odd sizes and round-trips exactly', async () => {
    if (!runtime().gpu.has('shader-f16')) return expect(() => cast(tensor([1], [1]), 'f16')).toThrow(/shader-f16/);
    for (const n of [1, 7, 1031]) {
      // In range only: WGSL leaves the conversion of finite values beyond ±65504 implementation-defined.
      const x = randomArray(n, n, -60000, 60000).map((v, i) => (i % 3 === 0 ? v / 4096 : v));
      const h = cast(tensor(x, [n]), 'f16');
      expect(h.dtype).toBe('f16');
      const got = await h.data();
      const want = Array.from(x, roundToHalf);
      expect(Array.from(got)).toEqual(want);
      const back = await cast(h, 'f32').data();
      expect(Array.from(back)).toEqual(Array.from(got));
    }
  });

  it('refuses unsupported conversions with a clear message', () => {
    expect(() => cast(tensor([1, 2], [2], 'u32'), 'f16')).toThrow(/u32->f16 is not supported/);
  });
});
