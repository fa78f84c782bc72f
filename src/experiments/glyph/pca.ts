// Principal components of the public images (float64): subspace iteration on the covariance,
// then a Rayleigh–Ritz step (Jacobi on the small projected matrix) to order the components.
import { fail } from '../../device/errors.js';

/** Mean image and covariance of n rows of `dim` values. */
export function meanAndCovariance(x: Float64Array, n: number, dim: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let p = 0; p < dim; p++) mean[p] += x[i * dim + p]! / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < dim; p++) row[p] = x[i * dim + p]! - mean[p]!;
    for (let p = 0; p < dim; p++) {
      const a = row[p]!;
      if (a === 0) continue;
      for (let q = p; q < dim; q++) cov[p * dim + q] += a * row[q]!;
    }
  }
  for (let p = 0; p < dim; p++) {
    for (let q = p; q < dim; q++) {
      const v = cov[p * dim + q]! / (n - 1);
      cov[p * dim + q] = v;
      cov[q * dim + p] = v;
    }
  }
  return { mean, cov };
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi: values and column vectors. */
function jacobiEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = a.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => m[i * n + i]!), vectors: v };
}

/** Orthonormalizes the d columns of v (dim × d, row-major) in place by modified Gram–Schmidt. */
function orthonormalize(v: Float64Array, dim: number, d: number): void {
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let p = 0; p < dim; p++) dot += v[p * d + i]! * v[p * d + j]!;
      for (let p = 0; p < dim; p++) v[p * d + j] -= dot * v[p * d + i]!;
    }
    let norm = 0;
    for (let p = 0; p < dim; p++) norm += v[p * d + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) fail('pca: the covariance has fewer nonzero directions than requested components');
    for (let p = 0; p < dim; p++) v[p * d + j] /= norm;
  }
}

/**
 * The top `d` principal directions of a covariance (dim × dim), as rows of a d × dim matrix,
 * ordered by decreasing variance.
 */
export function principalComponents(cov: Float64Array, dim: number, d: number, iterations = 300): Float64Array {
  if (d < 1 || d > dim) fail(`pca: ${d} components requested from ${dim} dimensions`);
  let v = new Float64Array(dim * d);
  // A fixed start with a component along every direction (deterministic, no RNG).
  for (let p = 0; p < dim; p++) for (let j = 0; j < d; j++) v[p * d + j] = Math.sin(1 + p * (j + 1) * 0.7071) + (p === j ? 1 : 0);
  orthonormalize(v, dim, d);
  const next = new Float64Array(dim * d);
  for (let it = 0; it < iterations; it++) {
    next.fill(0);
    for (let p = 0; p < dim; p++) {
      for (let q = 0; q < dim; q++) {
        const c = cov[p * dim + q]!;
        if (c === 0) continue;
        for (let j = 0; j < d; j++) next[p * d + j] += c * v[q * d + j]!;
      }
    }
    orthonormalize(next, dim, d);
    v = next.slice();
  }
  // Rayleigh–Ritz: B = Vᵀ C V, then rotate V by B's eigenvectors, largest first.
  const cv = new Float64Array(dim * d);
  for (let p = 0; p < dim; p++) for (let q = 0; q < dim; q++) for (let j = 0; j < d; j++) cv[p * d + j] += cov[p * dim + q]! * v[q * d + j]!;
  const b = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let p = 0; p < dim; p++) b[i * d + j] += v[p * d + i]! * cv[p * d + j]!;
  const { values, vectors } = jacobiEigen(b, d);
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => values[y]! - values[x]!);
  const out = new Float64Array(d * dim);
  order.forEach((col, r) => {
    for (let p = 0; p < dim; p++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += v[p * d + j]! * vectors[j * d + col]!;
      out[r * dim + p] = s;
    }
  });
  return out;
}
