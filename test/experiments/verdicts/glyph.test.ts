// Glyph's verdicts on made-up results: each one passes, fails and is "not measured" when the
// numbers it needs are absent (spec §9 T1, T2, T6, T7, T8; §8 security table).
import { describe, expect, it } from 'vitest';
import type { GlyphResult } from '../../../src/experiments/glyph/config.js';
import { exactnessVerdict, keyHygieneVerdict, securityVerdict, utilityVerdict, wrongKeyVerdict } from '../../../src/experiments/glyph/verdicts.js';

/** A result like the spec's d = 16 reference run; `over` replaces top-level fields. */
function result(over: Partial<GlyphResult> = {}): GlyphResult {
  return {
    parameters: { n: 8192, logQP: 217, maxLogQP: 218, security: '128-bit classical (HE standard)', plainModulus: 1073692673, specialPrime: 1, ciphertextPrimes: [2, 3, 4, 5, 6, 7], multiplyLevel: 4, sumLevel: 3 },
    samples: { public: 3998, private: 3998, test: 2004, pixels: 196, features: 16 },
    accuracy: { float: 0.781, integer: 0.777, encrypted: 0.777 },
    exact: { mismatches: 0, total: 170 },
    noiseMarginBits: 40,
    maxAbsSum: 2.2e5,
    halfPlainModulus: 536846336,
    checks: { wrongKeyMatches: 0, wrongKeyTotal: 160, tamperChanged: true, secretKeyWindowsFound: 0, secretKeyWindowsChecked: 28 },
    timings: { publicModel: 0, keygen: 0, encrypt: 0, transfer: 0, serverProjection: 0, serverMultiply: 0, serverSums: 0, decrypt: 0 },
    bytes: { perCiphertext: 1, upload: 1, publicKeys: 1, results: 1 },
    decrypted: { sums: [], counts: [] },
    keySwitches: 0,
    ...over,
  };
}
const checks = (over: Partial<GlyphResult['checks']>) => ({ checks: { ...result().checks, ...over } });

describe('Glyph verdicts', () => {
  it('T2: encrypted accuracy within 1 point of float64 and >= 75%', () => {
    expect(utilityVerdict(result()).verdict).toBe('supported');
    expect(utilityVerdict(result({ accuracy: { float: 0.8, integer: 0.78, encrypted: 0.785 } })).verdict).toBe('not supported'); // 1.5 points
    expect(utilityVerdict(result({ accuracy: { float: 0.74, integer: 0.74, encrypted: 0.74 } })).verdict).toBe('not supported'); // below 75%
    expect(utilityVerdict(result({ accuracy: { float: NaN, integer: NaN, encrypted: NaN } })).verdict).toBe('not measured');
  });

  it('T1 + T8: every sum exact, >= 10 bits of noise margin', () => {
    expect(exactnessVerdict(result()).verdict).toBe('supported');
    expect(exactnessVerdict(result({ exact: { mismatches: 3, total: 170 } })).verdict).toBe('not supported');
    expect(exactnessVerdict(result({ noiseMarginBits: 8 })).verdict).toBe('not supported');
    expect(exactnessVerdict(result({ exact: { mismatches: 0, total: 0 } })).verdict).toBe('not measured');
  });

  it('T6: at most 1 entry right under a wrong key; tampering changes the output', () => {
    expect(wrongKeyVerdict(result(checks({ wrongKeyMatches: 1 }))).verdict).toBe('supported');
    expect(wrongKeyVerdict(result(checks({ wrongKeyMatches: 2 }))).verdict).toBe('not supported');
    expect(wrongKeyVerdict(result(checks({ tamperChanged: false }))).verdict).toBe('not supported');
    expect(wrongKeyVerdict(result(checks({ wrongKeyMatches: 0, wrongKeyTotal: 0 }))).verdict).toBe('not measured');
  });

  it('T7: no secret-key window in the server\'s bytes', () => {
    expect(keyHygieneVerdict(result()).verdict).toBe('supported');
    expect(keyHygieneVerdict(result(checks({ secretKeyWindowsFound: 1 }))).verdict).toBe('not supported');
    expect(keyHygieneVerdict(result(checks({ secretKeyWindowsFound: 0, secretKeyWindowsChecked: 0 }))).verdict).toBe('not measured');
  });

  it('§8: bit length of Q·P within the HE standard bound; test parameters (no bound) are not 128-bit', () => {
    expect(securityVerdict(result()).verdict).toBe('supported'); // 218 bits <= 218
    const params = (logQP: number, maxLogQP: number) => ({ parameters: { ...result().parameters, logQP, maxLogQP } });
    expect(securityVerdict(result(params(218.2, 218))).verdict).toBe('not supported'); // 219 bits
    // Security 'none' has no bound (Infinity; null once written to JSON): it used to read "n/a", never "not supported".
    expect(securityVerdict(result(params(217, Infinity))).verdict).toBe('not supported');
    expect(securityVerdict(result(params(217, null as unknown as number))).verdict).toBe('not supported');
    expect(securityVerdict(result(params(NaN, 218))).verdict).toBe('not measured');
  });
});
