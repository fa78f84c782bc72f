// Student's paired t-test, for criterion C(ii) across seeds: each seed trains the SR and the
// round-to-nearest configuration from the same initial weights and batch order, so the per-seed
// differences are the paired sample. The two-sided p-value is the regularized incomplete beta
// I_{ν/(ν+t²)}(ν/2, 1/2), evaluated by its continued fraction (Lentz's method).
import { fail } from '../../device/errors.js';

export interface PairedT {
  /** Number of pairs. */
  n: number;
  meanDifference: number;
  /** Sample standard deviation of the differences. */
  sd: number;
  t: number;
  df: number;
  /** Two-sided p-value of "the mean difference is 0". */
  p: number;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: relative error below 1e-13 here). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction of the incomplete beta (converges for x < (a + 1) / (a + b + 2)). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b) for 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Paired t-test of x − y (same index = same seed). Needs 2 or more pairs. */
export function pairedT(x: readonly number[], y: readonly number[]): PairedT {
  if (x.length !== y.length) fail(`pairedT: ${x.length} and ${y.length} values; the samples must be paired one to one`);
  const n = x.length;
  if (n < 2) fail(`pairedT: ${n} pair(s); a paired t-test needs at least 2`);
  const d = x.map((v, i) => v - y[i]!);
  const meanDifference = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - meanDifference) ** 2, 0) / (n - 1));
  // Identical differences: t is ±∞ (p = 0) unless they are all zero (no evidence, p = 1).
  const t = sd === 0 ? (meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity) : meanDifference / (sd / Math.sqrt(n));
  return { n, meanDifference, sd, t, df: n - 1, p: twoSidedP(t, n - 1) };
}
