// A claim's verdict, computed from measured numbers against the spec's bar. A run that merely
// exists proves nothing: when the numbers a criterion needs are absent, the verdict says so.

export type Verdict = 'supported' | 'not supported' | 'not measured';

/** What a verdict function returns: the verdict and, in words, the numbers it came from. */
export interface Judged {
  verdict: Verdict;
  ours: string;
}

/** `pass` is null when the numbers the criterion needs are absent. */
export function verdictOf(pass: boolean | null): Verdict {
  return pass === null ? 'not measured' : pass ? 'supported' : 'not supported';
}

/** The mean, or null for no values: an empty mean is not a measurement (and never 0). */
export function meanOrNull(values: readonly number[]): number | null {
  return values.length ? values.reduce((s, x) => s + x, 0) / values.length : null;
}
