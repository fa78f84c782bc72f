// The Glyph claims judged on a result against the spec's pass criteria (mission/papers/
// glyph-fhe.md §9: T1, T2, T6, T7, T8; §8 for the security table): pure functions of the run's numbers.
import { verdictOf, type Judged } from '../verdict.js';
import type { GlyphResult } from './config.js';

export const SPEC_BARS = {
  /** T2: encrypted accuracy within 1.0 point of the float64 pipeline and at least 75%. */
  accuracyGap: 1.0,
  minAccuracy: 0.75,
  /** T8: at least 10 bits of noise margin on every returned ciphertext (T1: every sum exact). */
  noiseMarginBits: 10,
  /** T6: at most 1 of the d·10 entries decrypted with an independent key equals the truth. */
  wrongKeyMatches: 1,
} as const;

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** T2: training on encrypted data reaches accuracy close to the plaintext pipeline. */
export function utilityVerdict(r: GlyphResult): Judged {
  const { encrypted, float, integer } = r.accuracy;
  const gap = 100 * Math.abs(encrypted - float);
  const measured = Number.isFinite(encrypted) && Number.isFinite(float);
  return {
    verdict: verdictOf(measured ? gap <= SPEC_BARS.accuracyGap && encrypted >= SPEC_BARS.minAccuracy : null),
    ours: `encrypted last layer ${pct(encrypted)} vs float64 pipeline ${pct(float)} (gap ${gap.toFixed(2)} points; integer simulation ${pct(integer)}; bar: gap <= ${SPEC_BARS.accuracyGap}, >= ${pct(SPEC_BARS.minAccuracy)})`,
  };
}

/** T1 and T8: every decrypted sum and count equals the integer simulation, with 10 bits of noise margin left. */
export function exactnessVerdict(r: GlyphResult): Judged {
  const measured = r.exact.total > 0 && Number.isFinite(r.noiseMarginBits);
  return {
    verdict: verdictOf(measured ? r.exact.mismatches === 0 && r.noiseMarginBits >= SPEC_BARS.noiseMarginBits : null),
    ours: `${r.exact.total - r.exact.mismatches}/${r.exact.total} decrypted class sums and counts equal the integer simulation; noise margin left ${r.noiseMarginBits.toFixed(1)} bits (bar: all, >= ${SPEC_BARS.noiseMarginBits})`,
  };
}

/** T6: a wrong key decrypts to noise, and a tampered ciphertext changes the output. */
export function wrongKeyVerdict(r: GlyphResult): Judged {
  const c = r.checks;
  return {
    verdict: verdictOf(c.wrongKeyTotal > 0 ? c.wrongKeyMatches <= SPEC_BARS.wrongKeyMatches && c.tamperChanged : null),
    ours: `${c.wrongKeyMatches}/${c.wrongKeyTotal} entries decrypted with an independent key equal the truth (bar: <= ${SPEC_BARS.wrongKeyMatches}); a flipped residue ${c.tamperChanged ? 'changes' : 'does NOT change'} the output`,
  };
}

/** T7: no secret-key bytes in anything the server received. */
export function keyHygieneVerdict(r: GlyphResult): Judged {
  const c = r.checks;
  return {
    verdict: verdictOf(c.secretKeyWindowsChecked > 0 ? c.secretKeyWindowsFound === 0 : null),
    ours: `${c.secretKeyWindowsFound}/${c.secretKeyWindowsChecked} secret-key byte windows found in the ${mb(r.bytes.upload)} the server received`,
  };
}

/**
 * §8: the bit length of Q·P within the HE standard's bound for N at the claimed level (128, or a
 * stricter 192/256 whose bound is lower). Test parameters claim no level (no finite bound): not supported.
 */
export function securityVerdict(r: GlyphResult): Judged {
  const p = r.parameters;
  const bounded = typeof p.maxLogQP === 'number' && Number.isFinite(p.maxLogQP);
  return {
    verdict: verdictOf(Number.isFinite(p.logQP) ? bounded && Math.floor(p.logQP) + 1 <= p.maxLogQP : null),
    ours: `N = ${p.n}, log2(Q·P) = ${p.logQP.toFixed(1)} bits, bound ${bounded ? p.maxLogQP : 'none'}: ${p.security}`,
  };
}
