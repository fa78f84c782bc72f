// Float64 CPU reference for batch normalisation over x viewed as [N, C, S], for tests and CPU checks.

export interface BatchNormRefResult {
  y: Float64Array;
  /** Running statistics after the call (unchanged in eval mode). */
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** Mean and biased variance of each channel. */
export function channelStatsRef(x: ArrayLike<number>, [n, c, s]: readonly [number, number, number]) {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const m = n * s;
  for (let ch = 0; ch < c; ch++) {
    const values = Array.from({ length: m }, (_, j) => x[(Math.floor(j / s) * c + ch) * s + (j % s)]!);
    mean[ch] = values.reduce((a, b) => a + b, 0) / m;
    variance[ch] = values.reduce((a, v) => a + (v - mean[ch]!) ** 2, 0) / m;
  }
  return { mean, variance };
}

export function batchNormRef(
  x: ArrayLike<number>,
  shape: readonly [number, number, number],
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  { training, momentum = 0.1, eps = 1e-5 }: { training: boolean; momentum?: number; eps?: number },
): BatchNormRefResult {
  const [n, c, s] = shape;
  const batch = channelStatsRef(x, shape);
  const mean = training ? batch.mean : Float64Array.from(runningMean);
  const variance = training ? batch.variance : Float64Array.from(runningVar);
  const y = new Float64Array(n * c * s);
  for (let i = 0; i < y.length; i++) {
    const ch = Math.floor(i / s) % c;
    y[i] = ((x[i]! - mean[ch]!) / Math.sqrt(variance[ch]! + eps)) * gamma[ch]! + beta[ch]!;
  }
  const m = n * s;
  const update = (old: ArrayLike<number>, value: (ch: number) => number) =>
    Float64Array.from(old, (v, ch) => (training ? (1 - momentum) * v + momentum * value(ch) : v));
  return {
    y,
    runningMean: update(runningMean, (ch) => batch.mean[ch]!),
    runningVar: update(runningVar, (ch) => (batch.variance[ch]! * m) / (m - 1)),
  };
}

/**
 * Training-mode gradients of x, gamma and beta given dL/dy = g, by the chain rule through
 * the batch variance and mean step by step (the unfused textbook form, independent of the
 * kernel's fused formula).
 */
export function batchNormGradRef(
  x: ArrayLike<number>,
  shape: readonly [number, number, number],
  gamma: ArrayLike<number>,
  g: ArrayLike<number>,
  eps = 1e-5,
) {
  const [n, c, s] = shape;
  const m = n * s;
  const { mean, variance } = channelStatsRef(x, shape);
  const chan = (i: number) => Math.floor(i / s) % c;
  const total = n * c * s;
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const dvar = new Float64Array(c);
  const dmean = new Float64Array(c);
  for (let i = 0; i < total; i++) {
    const ch = chan(i);
    const inv = 1 / Math.sqrt(variance[ch]! + eps);
    const dxHat = g[i]! * gamma[ch]!;
    dbeta[ch] += g[i]!;
    dgamma[ch] += g[i]! * (x[i]! - mean[ch]!) * inv;
    dvar[ch] += dxHat * (x[i]! - mean[ch]!) * -0.5 * inv ** 3;
    dmean[ch] += -dxHat * inv;
  }
  // d var / d mean = sum of -2 (x - mean) / m = 0 exactly, so dmean needs no variance term.
  const dx = Float64Array.from({ length: total }, (_, i) => {
    const ch = chan(i);
    const inv = 1 / Math.sqrt(variance[ch]! + eps);
    return g[i]! * gamma[ch]! * inv + (dvar[ch]! * 2 * (x[i]! - mean[ch]!)) / m + dmean[ch]! / m;
  });
  return { dx, dgamma, dbeta };
}
