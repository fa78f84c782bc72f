// Re-quantisation sites: where a wide BGV accumulator z (an integer mod t = 2^T) becomes a PBS
// input. A PBS reads only p+1 bits, so a site keeps a window of W bits of z (mod 2^W, free:
// an LWE times 2^(T−W) mod its power-of-two modulus), adds a public offset, and removes the
// low s = W − p − 1 bits exactly by digit-removal rounds (two PBS per α ≤ p bits: topBitTable,
// then lowDigitTable, whose output is subtracted from the accumulator). What is left is
// u = floor(((z + offset) mod 2^W) / 2^s) ∈ [0, 2^(p+1)), the final tables' input. The offset
// centres a signed value and rounds to nearest: u = 2^(v−1) + round(z / 2^s) while
// |round(z / 2^s)| fits v bits; outside that the padding bit is set and the negacyclic PBS
// answers −f: the simulation reproduces that too (and counts it as a wrap).
import { fail } from '../../../device/errors.js';
import { lowDigitTable, pbs, topBitTable } from './tables.js';

export interface RequantSite {
  name: string;
  /** p: the PBS message bits. */
  p: number;
  /** W: bits of the accumulator the site reads (its scale: the shift is W − p − 1). */
  window: number;
  /** Bits of the signed value the final table sees (p, or p − 1 when a mask bit rides along). */
  valueBits: number;
}

export function site(name: string, p: number, window: number, valueBits = p): RequantSite {
  if (!Number.isInteger(window) || window < p + 1) fail(`requantize ${name}: window W = ${window} must be an integer >= p + 1 = ${p + 1}`);
  if (valueBits !== p && valueBits !== p - 1) fail(`requantize ${name}: valueBits ${valueBits} must be p or p − 1`);
  return { name, p, window, valueBits };
}

/** s: the low bits removed. */
export const shiftOf = (s: RequantSite) => s.window - s.p - 1;

/** The public offset added to z before the window is taken: centre + half a step (round to nearest). */
export function offsetOf(s: RequantSite): number {
  const shift = shiftOf(s);
  return 2 ** (shift + s.valueBits - 1) + (shift > 0 ? 2 ** (shift - 1) : 0);
}

/** x mod 2^bits in [0, 2^bits) (torus arithmetic with denominator 2^bits). */
export const modPow2 = (x: number, bits: number) => {
  const m = 2 ** bits;
  return ((x % m) + m) % m;
};

/** The final tables' input u ∈ [0, 2^(p+1)) for accumulator z: the site's exact function. */
export function siteInput(s: RequantSite, z: number): number {
  if (!Number.isSafeInteger(z)) fail(`requantize ${s.name}: accumulator ${z} is not a safe integer`);
  return Math.floor(modPow2(z + offsetOf(s), s.window) / 2 ** shiftOf(s));
}

/** Whether z lands inside the site's signed range (no wrap into the padding bit). */
export function inRange(s: RequantSite, z: number): boolean {
  const v = z + offsetOf(s);
  return v >= 0 && v < 2 ** (shiftOf(s) + s.valueBits);
}

/** α per digit-removal round, lowest digits first: rounds of p bits and a last one of what is left. */
export function digitRounds(s: RequantSite): number[] {
  const rounds: number[] = [];
  for (let left = shiftOf(s); left > 0; left -= s.p) rounds.push(Math.min(s.p, left));
  return rounds;
}

/**
 * The same input computed the way the encrypted run does, PBS by PBS, on the torus with
 * denominator 2^W: each round reads the current value's low α+1 bits (no padding), takes bit α
 * off with topBitTable, reads the α-bit digit with lowDigitTable and subtracts it. Equal to
 * siteInput on every v ∈ [0, 2^W) (the tests check all of them).
 */
export function siteInputByRounds(s: RequantSite, z: number): number {
  const W = s.window;
  let num = modPow2(z + offsetOf(s), W);
  let current = W;
  for (const alpha of digitRounds(s)) {
    const unit = 2 ** (W - current);
    const x = modPow2(Math.floor(num / unit), alpha + 1);
    const top = pbs(topBitTable(alpha), x) + 2 ** (alpha - 1);
    const digit = pbs(lowDigitTable(alpha), x - top);
    num = modPow2(num - digit * unit, W);
    current -= alpha;
  }
  return num / 2 ** (W - current);
}

/** PBS a site costs before its final tables: two per digit-removal round. */
export const digitPbsCount = (s: RequantSite) => 2 * digitRounds(s).length;
