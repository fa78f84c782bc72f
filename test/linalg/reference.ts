// Float64 references for the kernels of src/kernels/linalg and the second-order optimizers.
// Matrices are row-major Float64Arrays.

export type Mat = Float64Array;

export function matmul(a: Mat, b: Mat, m: number, k: number, n: number): Mat {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const v = a[i * k + t]!;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += v * b[t * n + j]!;
    }
  }
  return c;
}

export function transpose(a: Mat, rows: number, cols: number): Mat {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

export function identity(n: number, scale = 1): Mat {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * (n + 1)] = scale;
  return e;
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export const matvec = (h: Mat, v: ArrayLike<number>): Float64Array => {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += h[i * n + j]! * v[j]!;
    out[i] = s;
  }
  return out;
};

/** f ← keep·f + add·scale·X̃ᵀX̃, X [m, cols], X̃ = [X | 1] when homogeneous. */
export function factorRef(f: ArrayLike<number>, x: ArrayLike<number>, m: number, cols: number, homogeneous: boolean, keep: number, add: number, scale: number): Mat {
  const n = cols + (homogeneous ? 1 : 0);
  const at = (r: number, c: number) => (c < cols ? x[r * cols + c]! : 1);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += at(r, i) * at(r, j);
      out[i * n + j] = keep * f[i * n + j]! + add * scale * s;
    }
  }
  return out;
}

/** (A + shift·I)⁻¹ by Cholesky (a different method from the GPU's Gauss–Jordan); throws if not SPD. */
export function spdInverseRef(a: ArrayLike<number>, n: number, shift: number): Mat {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + shift;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) throw new Error(`reference: not SPD at pivot ${j}`);
    l[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / l[j * n + j]!;
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inv = new Float64Array(n * n);
  const z = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
      z[i] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * inv[k * n + c]!;
      inv[i * n + c] = s / l[i * n + i]!;
    }
  }
  return inv;
}

/** A random orthogonal matrix (product of n Householder reflections of seeded vectors). */
export function randomOrthogonal(n: number, random: (count: number) => Float32Array): Mat {
  let q = identity(n);
  for (let r = 0; r < n; r++) {
    const v = Float64Array.from(random(n));
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) v[i]! /= norm;
    // q ← q (I − 2 v vᵀ)
    const qv = matvec(q, v);
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[i * n + j] = q[i * n + j]! - 2 * qv[i]! * v[j]!;
    q = next;
  }
  return q;
}

/** Q·diag(eigenvalues)·Qᵀ. */
export function withEigenvalues(q: Mat, eigenvalues: readonly number[]): Mat {
  const n = eigenvalues.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * eigenvalues[k]! * q[j * n + k]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

/** H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, written as the product (not the GPU's expanded form). */
export function bfgsRef(h: Mat, s: ArrayLike<number>, y: ArrayLike<number>): Mat {
  const n = s.length;
  const rho = 1 / dot(s, y);
  const left = identity(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) left[i * n + j]! -= rho * s[i]! * y[j]!;
  const out = matmul(matmul(left, h, n, n, n), transpose(left, n, n), n, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j]! += rho * s[i]! * s[j]!;
  return out;
}

/** Double damping (our spec §5) in float64: the damped pair and which steps were active. */
export function doubleDampRef(s0: ArrayLike<number>, y0: ArrayLike<number>, h: Mat, mu1: number, mu2: number) {
  let s = Float64Array.from(s0);
  let y = Float64Array.from(y0);
  const hy = matvec(h, y);
  const yhy = dot(y, hy);
  const step1 = dot(s, y) < mu1 * yhy;
  if (step1) {
    const t1 = ((1 - mu1) * yhy) / (yhy - dot(s, y));
    s = s.map((v, i) => t1 * v + (1 - t1) * hy[i]!);
  }
  const ss = dot(s, s);
  const step2 = dot(s, y) < mu2 * ss;
  if (step2) {
    const t2 = ((1 - mu2) * ss) / (ss - dot(s, y));
    y = y.map((v, i) => t2 * v + (1 - t2) * s[i]!);
  }
  return { s, y, step1, step2 };
}

/** The authors' skip test: keep H when sᵀy ≤ 0 or sᵀy ≤ eps·sᵀs·‖g‖. */
export function acceptsPair(s: ArrayLike<number>, y: ArrayLike<number>, g: ArrayLike<number>, eps = 1e-4): boolean {
  const sy = dot(s, y);
  return sy > 0 && sy > eps * dot(s, s) * Math.sqrt(dot(g, g));
}

/** H·D for D [n, cols] by the two-loop recursion over `pairs` (oldest first), H₀ = γI. */
export function twoLoopRef(pairs: readonly { s: Float64Array; y: Float64Array }[], d: ArrayLike<number>, n: number, cols: number, gamma: number): Mat {
  const out = new Float64Array(n * cols);
  for (let c = 0; c < cols; c++) {
    const q = Float64Array.from({ length: n }, (_, r) => d[r * cols + c]!);
    const alpha: number[] = [];
    for (let k = pairs.length - 1; k >= 0; k--) {
      const { s, y } = pairs[k]!;
      alpha[k] = dot(s, q) / dot(s, y);
      for (let r = 0; r < n; r++) q[r]! -= alpha[k]! * y[r]!;
    }
    for (let r = 0; r < n; r++) q[r]! *= gamma;
    for (let k = 0; k < pairs.length; k++) {
      const { s, y } = pairs[k]!;
      const beta = dot(y, q) / dot(s, y);
      for (let r = 0; r < n; r++) q[r]! += (alpha[k]! - beta) * s[r]!;
    }
    for (let r = 0; r < n; r++) out[r * cols + c] = q[r]!;
  }
  return out;
}

/** max |a − b| / max |b|. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    if (!Number.isFinite(a[i]!)) return Infinity;
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-300);
}
