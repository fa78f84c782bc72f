// Small statistics for the encryption tests: chi-square p-values and a logistic-regression
// distinguisher (plain float64, deterministic).

/** ln Γ(x) (Lanczos, |error| < 2e-10). */
function lnGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const v of c) ser += v / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Regularized upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
function gammaQ(a: number, x: number): number {
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** p-value of Pearson's chi-square for uniform bins. */
export function chiSquareUniformP(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return gammaQ((counts.length - 1) / 2, chi2 / 2);
}

/** Trains L2-regularized logistic regression by full-batch gradient descent; returns a predictor. */
export function logisticRegression(x: Float64Array[], y: number[], steps = 300, lr = 0.5, l2 = 1e-3): (v: Float64Array) => number {
  const dim = x[0]!.length;
  // Standardize features on the training set so one learning rate suits all.
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (const v of x) for (let i = 0; i < dim; i++) mean[i] += v[i]! / x.length;
  for (const v of x) for (let i = 0; i < dim; i++) sd[i] += (v[i]! - mean[i]!) ** 2 / x.length;
  for (let i = 0; i < dim; i++) sd[i] = Math.sqrt(sd[i]!) || 1;
  const z = (v: Float64Array) => Float64Array.from(v, (a, i) => (a - mean[i]!) / sd[i]!);
  const xs = x.map(z);
  const w = new Float64Array(dim);
  let b = 0;
  for (let s = 0; s < steps; s++) {
    const gw = new Float64Array(dim);
    let gb = 0;
    xs.forEach((v, k) => {
      let a = b;
      for (let i = 0; i < dim; i++) a += w[i]! * v[i]!;
      const err = 1 / (1 + Math.exp(-a)) - y[k]!;
      for (let i = 0; i < dim; i++) gw[i] += (err * v[i]!) / xs.length;
      gb += err / xs.length;
    });
    for (let i = 0; i < dim; i++) w[i] -= lr * (gw[i]! + l2 * w[i]!);
    b -= lr * gb;
  }
  return (v) => {
    const u = z(v);
    let a = b;
    for (let i = 0; i < dim; i++) a += w[i]! * u[i]!;
    return a > 0 ? 1 : 0;
  };
}
