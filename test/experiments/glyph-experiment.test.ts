// glyphExperiment with the browser's digits loader (digitClassesFromSplit over the demos' digits
// file) on the smallest ring the run accepts, N = 32: the whole client → server → client path
// still decrypts every class sum exactly, and a smaller ring is refused up front.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/node/mnist.js';
import { decodeDigits, encodeDigits } from '../../src/demos/digits-file.js';
import { QUICK_CONFIG, type GlyphConfig, type GlyphResult } from '../../src/experiments/glyph/config.js';
import { digitClassesFromSplit } from '../../src/experiments/glyph/digit-classes.js';
import { glyphExperiment } from '../../src/experiments/glyph/experiment.js';
import { gpu } from '../setup.js';

/** N = 32 (test ring), 32 private digits, the quick profile's d = 16 and modulus schedule. */
const TINY: GlyphConfig = { ...QUICK_CONFIG, params: { ...QUICK_CONFIG.params, n: 32, security: 'none' }, privateSamples: 32 };

let loads = 0;
const experiment = glyphExperiment(async () => (loads++, digitClassesFromSplit(decodeDigits(encodeDigits(await loadMnist())))));
let result: GlyphResult;

beforeAll(async () => {
  const rt = await gpu();
  rt.poison = false; // hundreds of dispatches; the FHE kernels' own tests run poisoned
  result = await experiment.run(TINY);
});

describe('glyphExperiment on the browser digits, N = 32', () => {
  it('loads the digits once and decrypts every class sum and count exactly', () => {
    expect(loads).toBe(1);
    expect(result.samples).toEqual({ public: 4002, private: 32, test: 2000, pixels: 196, features: 16 });
    expect(result.exact).toEqual({ mismatches: 0, total: 170 });
    expect(result.decrypted.counts.reduce((a, b) => a + b, 0)).toBe(32);
    expect(result.accuracy.encrypted).toBe(result.accuracy.integer);
    expect(result.noiseMarginBits).toBeGreaterThanOrEqual(10);
  });

  it('runs the key checks: wrong key, tampering, no secret-key bytes in the upload', () => {
    expect(result.checks.wrongKeyTotal).toBe(160);
    expect(result.checks.wrongKeyMatches).toBeLessThanOrEqual(1);
    expect(result.checks.tamperChanged).toBe(true);
    expect(result.checks).toMatchObject({ secretKeyWindowsFound: 0, secretKeyWindowsChecked: 28 });
  });

  it('refuses a ring too small for the key-hygiene windows, saying which N works', async () => {
    const n16 = { ...TINY, params: { ...TINY.params, n: 16 }, privateSamples: 16 };
    await expect(experiment.run(n16)).rejects.toThrow(/N = 16 is too small .* use N >= 32/);
  });
});
