// The analytic noise of one programmable bootstrapping, as variances of the phase error in
// units of the whole torus (an error e mod M counts as e/M). The pipeline a message goes
// through between two bootstrappings, and the variance each step adds:
//   blind rotation (mod Q):  n · 2N · σ_ring² · Σ_t E[d_t²]     exact gadget, no rounding term
//   switch Q → 2^32:         (1 + N·E[z²]) / 12 · 2^-64          negligible
//   key switch (z → s):      N · ℓ · E[d²] · σ_lwe² + N · E[z²] · 2^(-2βℓ) / 12
//   switch 2^32 → 2N:        (1 + n/2) / 12 · (2N)^-2            binary s: E[s_i²] = 1/2
// The first needs the accumulator's coefficients to be uniform mod Q (they are after a few
// steps); digits are balanced base B_g, the last one is what is left of |x| ≤ Q/2.
// A message fails when the total error at the blind rotation's input leaves its box of
// half-width 1/2^(p+2).
import { ERROR_VARIANCE } from '../rlwe/sampling.js';
import type { TfheParameters } from './params.js';

/** Second moment of a balanced digit uniform over [−B/2, B/2): (B² + 2)/12. */
const balancedDigitMoment = (logBase: number) => (4 ** logBase + 2) / 12;

/**
 * Σ_t E[d_t²] of the gadget digits of a uniform residue in (−Q/2, Q/2]: digit t spans
 * min(B, Q/B^t) values (a full balanced digit when Q/B^t ≥ B), the last one all of Q/B^(d−1).
 */
function gadgetDigitMoment(p: TfheParameters): number {
  const B = 2 ** p.gadgetLogBase;
  let sum = 0;
  for (let t = 0; t < p.gadgetDigits; t++) {
    const width = p.ringPrime / B ** t;
    sum += t < p.gadgetDigits - 1 && width >= B ? balancedDigitMoment(p.gadgetLogBase) : width ** 2 / 12;
  }
  return sum;
}

/** E[z_i²] of the ternary ring key (uniform over {−1, 0, 1}). */
const RING_KEY_MOMENT = 2 / 3;

export interface PbsNoiseBudget {
  /** Blind rotation output (the extracted LWE, mod Q), per coefficient. */
  blindRotation: number;
  modSwitchToTorus: number;
  keySwitch: number;
  modSwitchTo2N: number;
  /** Sum of all four: the error a message carries into the next blind rotation. */
  total: number;
  /** Half-width of a message box, 1/2^(p+2). */
  halfBox: number;
  /** log2 of the probability that one bootstrapping decodes the wrong message. */
  log2Failure: number;
}

export function blindRotationVariance(p: TfheParameters): number {
  const perStep = 2 * p.ringDegree * ERROR_VARIANCE * gadgetDigitMoment(p);
  return (p.lweDimension * perStep) / p.ringPrime ** 2;
}

export function keySwitchVariance(p: TfheParameters): number {
  const sigma2 = p.lweRelativeSigma ** 2;
  const keyTerm = p.ringDegree * p.ksDigits * balancedDigitMoment(p.ksLogBase) * sigma2;
  const roundingTerm = (p.ringDegree * RING_KEY_MOMENT * 2 ** (-2 * p.ksLogBase * p.ksDigits)) / 12;
  return keyTerm + roundingTerm;
}

export function pbsNoiseBudget(p: TfheParameters): PbsNoiseBudget {
  const blindRotation = blindRotationVariance(p);
  const modSwitchToTorus = ((1 + p.ringDegree * RING_KEY_MOMENT) / 12) * 2 ** -64;
  const keySwitch = keySwitchVariance(p);
  const modSwitchTo2N = (1 + p.lweDimension / 2) / 12 / (2 * p.ringDegree) ** 2;
  const total = blindRotation + modSwitchToTorus + keySwitch + modSwitchTo2N;
  const halfBox = 2 ** -(p.messageBits + 2);
  return { blindRotation, modSwitchToTorus, keySwitch, modSwitchTo2N, total, halfBox, log2Failure: log2Erfc(halfBox / Math.sqrt(2 * total)) };
}

/** log2 erfc(x): the continued fraction for x ≥ 2 (exact to ~1e-12 relative), the series below. */
export function log2Erfc(x: number): number {
  if (x < 2) {
    // erf by its Maclaurin series (converges fast for x < 2).
    let term = x;
    let sum = x;
    for (let k = 1; k < 80; k++) {
      term *= (-x * x) / k;
      sum += term / (2 * k + 1);
    }
    return Math.log2(1 - (2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (Lentz-free backward evaluation).
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (-x * x) / Math.LN2 - Math.log2(Math.sqrt(Math.PI) * f);
}
