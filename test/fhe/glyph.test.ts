// The Glyph demo end to end on a small ring (N = 1024, security 'none', 1,024 private digits,
// d = 16): T1 exactness, T2 utility, T6 wrong key and tampering, T7 key hygiene, T8 noise
// margin (and that too little modulus breaks T1). The 128-bit N = 8192 run is
// `gradwgsl reproduce glyph --quick`.
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK_CONFIG, report, run, type GlyphConfig, type GlyphResult } from '../../src/experiments/glyph/index.js';
import { GLYPH_PRIMES } from '../../src/fhe/bgv/params.js';
import { gpu } from '../setup.js';

const SMALL: GlyphConfig = {
  ...QUICK_CONFIG,
  params: { ...QUICK_CONFIG.params, n: 1024, security: 'none' },
  privateSamples: 1024,
  batch: 160,
};

let result: GlyphResult;

beforeAll(async () => {
  const rt = await gpu();
  rt.poison = false; // the demo is thousands of dispatches; the kernels' own tests run poisoned
  result = await run(SMALL);
}, 600_000);

describe('encrypted last-layer training (N = 1024 test ring)', () => {
  it('T1: every decrypted class sum and count equals the integer simulation', () => {
    expect(result.exact).toEqual({ mismatches: 0, total: 16 * 10 + 10 });
    expect(result.decrypted.counts.reduce((a, b) => a + b, 0)).toBe(1024);
    expect(result.maxAbsSum).toBeLessThan(result.halfPlainModulus);
  });

  it('T2: test accuracy from the decrypted model is within 1 point of float64 and >= 75%', () => {
    expect(result.accuracy.encrypted).toBe(result.accuracy.integer);
    expect(Math.abs(result.accuracy.encrypted - result.accuracy.float)).toBeLessThanOrEqual(0.01);
    expect(result.accuracy.encrypted).toBeGreaterThanOrEqual(0.75);
  });

  it('T6: an independent key decrypts at most 1 of the d·10 sums; a flipped residue changes the output', () => {
    expect(result.checks.wrongKeyTotal).toBe(160);
    expect(result.checks.wrongKeyMatches).toBeLessThanOrEqual(1);
    expect(result.checks.tamperChanged).toBe(true);
  });

  it('T7: no secret-key bytes in anything the server received', () => {
    expect(result.checks.secretKeyWindowsChecked).toBe(28);
    expect(result.checks.secretKeyWindowsFound).toBe(0);
  });

  it('T8: the run keeps >= 10 bits of noise margin', () => {
    expect(result.noiseMarginBits).toBeGreaterThanOrEqual(10);
  });

  it('the report states the claims beside the measurements', () => {
    const r = report(result);
    expect(r.claims.find((c) => c.claim.startsWith('training on encrypted'))!.verdict).toBe('supported');
    expect(r.text).toMatch(/log2\(Q·P\) = 217\.0 bits/);
    expect(r.text).toMatch(/time: server slot sums/);
  });
});

describe('T8: too little modulus', () => {
  it('with only 3 ciphertext limbs the decrypted sums are wrong (T1 fails)', { timeout: 600_000 }, async () => {
    const thin = await run({
      ...SMALL,
      features: 2,
      params: { ...SMALL.params, ciphertextPrimes: GLYPH_PRIMES.slice(1, 4) },
      multiplyLevel: 3,
      sumLevel: 3,
    });
    // The label counts never meet a product and stay right; the products overflow the modulus,
    // so their centered values fill (−Q/2, Q/2] and no budget is left (it cannot go below 0).
    expect(thin.exact.mismatches).toBeGreaterThan(0);
    expect(thin.noiseMarginBits).toBeLessThan(1);
  });

  it('refuses schedules and sample counts that do not fit, saying what to change', async () => {
    await expect(run({ ...SMALL, multiplyLevel: 7 })).rejects.toThrow(/multiplyLevel \(7\) <= 6/);
    await expect(run({ ...SMALL, privateSamples: 2000 })).rejects.toThrow(/do not fit N = 1024 slots/);
  });
});
