// A tiny two-layer network (5 → 4 ReLU → 3, squared error, batch 7) as a KronProblem on the GPU,
// and K-FAC / K-BFGS / K-BFGS(L) iterations on it in float64 (our spec §3–§7, step by step):
// the references the optimizer tests compare against.
import { sub } from '../../src/kernels/elementwise/binary.js';
import { mulScalar, relu, square } from '../../src/kernels/elementwise/unary.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import type { KronProblem } from '../../src/optim/second-order/problem.js';
import { capturedLinear } from '../../src/optim/second-order/problem.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomArray } from '../setup.js';
import { acceptsPair, dot, doubleDampRef, identity, matmul, matvec, spdInverseRef, transpose, twoLoopRef, type Mat } from './reference.js';

export const SIZES = [5, 4, 3];
export const M = 7;
export const X = randomArray(M * SIZES[0]!, 501);
export const TARGET = randomArray(M * SIZES[2]!, 502);
/** Stands in for K-FAC's sampled targets, so the float64 run can reproduce them. */
export const SAMPLED = randomArray(M * SIZES[2]!, 503);

/** Initial [w, b] of each layer. */
export function initialParams(): { w: Float32Array; b: Float32Array }[] {
  return SIZES.slice(1).map((out, l) => ({ w: randomArray(out * SIZES[l]!, 600 + l, -0.6, 0.6), b: randomArray(out, 610 + l, -0.2, 0.2) }));
}

export function gpuProblem(): { problem: KronProblem; params: Tensor[] } {
  const layers = initialParams().map(({ w, b }, l) => ({
    weight: tensor(w, [SIZES[l + 1]!, SIZES[l]!]).trainable(),
    bias: tensor(b, [SIZES[l + 1]!]).trainable(),
  }));
  const sampled = tensor(SAMPLED, [M, SIZES[2]!]);
  const squaredError = (z: Tensor, t: Tensor) => mulScalar(sumAll(square(sub(z, t))), 0.5 / M);
  const problem: KronProblem = {
    layers,
    feeds: { x: { shape: [M, SIZES[0]!] }, t: { shape: [M, SIZES[2]!] } },
    forward({ x, t }) {
      const c1 = capturedLinear(x!, layers[0]!);
      const c2 = capturedLinear(relu(c1.preact), layers[1]!);
      return { loss: squaredError(c2.preact, t!), output: c2.preact, captures: [c1, c2] };
    },
    sampledLoss: (z) => squaredError(z, sampled),
  };
  return { problem, params: layers.flatMap((l) => [l.weight, l.bias]) };
}

// ---- float64 ---------------------------------------------------------------------------------

type Vec = Mat;
interface Layer {
  /** [w | b], [out, in + 1]. */
  wb: Vec;
  rows: number;
  cols: number;
}

function layers64(): Layer[] {
  return initialParams().map(({ w, b }, l) => {
    const [rows, inputs] = [SIZES[l + 1]!, SIZES[l]!];
    const wb = new Float64Array(rows * (inputs + 1));
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < inputs; j++) wb[i * (inputs + 1) + j] = w[i * inputs + j]!;
      wb[i * (inputs + 1) + inputs] = b[i]!;
    }
    return { wb, rows, cols: inputs + 1 };
  });
}

/** Per layer: h̃ [M, cols], pre-activations [M, rows], per-example pre-activation gradients [M, rows]. */
function pass(layers: Layer[], target: ArrayLike<number>) {
  const h: Vec[] = [];
  const a: Vec[] = [];
  let input: Vec = Float64Array.from(X);
  layers.forEach((L, l) => {
    const ht = new Float64Array(M * L.cols);
    for (let r = 0; r < M; r++) {
      for (let j = 0; j < L.cols - 1; j++) ht[r * L.cols + j] = input[r * (L.cols - 1) + j]!;
      ht[r * L.cols + L.cols - 1] = 1;
    }
    h.push(ht);
    const pre = matmul(ht, transpose(L.wb, L.rows, L.cols), M, L.cols, L.rows);
    a.push(pre);
    input = l < layers.length - 1 ? pre.map((v) => Math.max(v, 0)) : pre;
  });
  const g: Vec[] = new Array(layers.length);
  const last = layers.length - 1;
  g[last] = a[last]!.map((v, i) => v - target[i]!);
  for (let l = last - 1; l >= 0; l--) {
    const next = layers[l + 1]!;
    const weight = Float64Array.from({ length: next.rows * layers[l]!.rows }, (_, k) => next.wb[Math.floor(k / layers[l]!.rows) * next.cols + (k % layers[l]!.rows)]!);
    const back = matmul(g[l + 1]!, weight, M, next.rows, layers[l]!.rows);
    g[l] = back.map((v, i) => (a[l]![i]! > 0 ? v : 0));
  }
  return { h, a, g };
}

const gram = (x: Vec, rows: number, cols: number, scale: number) => matmul(transpose(x, rows, cols), x, cols, rows, cols).map((v) => v * scale);
const colMean = (x: Vec, cols: number) => Float64Array.from({ length: cols }, (_, j) => {
  let s = 0;
  for (let r = 0; r < M; r++) s += x[r * cols + j]!;
  return s / M;
});

export interface Settings {
  lr: number;
  damping: number;
  inverseEvery: number;
  iterations: number;
  momentum: number;
  weightDecay: number;
  factorDecay: number;
}

/** D ← ρD + (1 − ρ)(∇[w|b] + τ[w|b]), the mean-loss gradient being gᵀh̃/M (g per example). */
function momentumStep(L: Layer, d: Vec, g: Vec, h: Vec, s: Settings): void {
  const grad = matmul(transpose(g, M, L.rows), h, L.rows, M, L.cols).map((v) => v / M);
  for (let k = 0; k < d.length; k++) d[k] = s.momentum * d[k]! + (1 - s.momentum) * (grad[k]! + s.weightDecay * L.wb[k]!);
}

export interface Run {
  wb: Vec[];
  hg: Vec[];
}

/**
 * How K-FAC weighs the factors' moving average at iteration k: 'fixed' ρ = β (the authors'
 * final code, commit f2ad778), or the older 'ramp' ρ_k = min(1 − 1/(k+1), β) (a control).
 */
export type KfacRho = 'fixed' | 'ramp';

/** K-FAC (the authors' variant, or with π-damping): returns the final [w|b] and G⁻¹ per layer. */
export function kfacRef(s: Settings & { piDamping: boolean; rho?: KfacRho }): Run {
  const layers = layers64();
  const warm = pass(layers, SAMPLED);
  const A = layers.map((L, l) => gram(warm.h[l]!, M, L.cols, 1 / M));
  const G = layers.map((L, l) => gram(warm.g[l]!, M, L.rows, 1 / M));
  const D = layers.map((L) => new Float64Array(L.rows * L.cols));
  const Ainv = layers.map((L) => identity(L.cols));
  const Ginv = layers.map((L) => identity(L.rows));
  for (let k = 0; k < s.iterations; k++) {
    const true_ = pass(layers, TARGET);
    const sampled = pass(layers, SAMPLED);
    // The authors' kfac_utils.py: ρ = β from iteration 0 (the warm start is the first average);
    // inverses while k ≤ T, then every T.
    const rho = s.rho === 'ramp' ? Math.min(1 - 1 / (k + 1), s.factorDecay) : s.factorDecay;
    layers.forEach((L, l) => {
      momentumStep(L, D[l]!, true_.g[l]!, true_.h[l]!, s);
      const a = gram(true_.h[l]!, M, L.cols, 1 / M);
      const g = gram(sampled.g[l]!, M, L.rows, 1 / M);
      A[l] = A[l]!.map((v, i) => rho * v + (1 - rho) * a[i]!);
      G[l] = G[l]!.map((v, i) => rho * v + (1 - rho) * g[i]!);
      if (k <= s.inverseEvery || k % s.inverseEvery === 0) {
        const trace = (f: Vec, n: number) => Array.from({ length: n }, (_, i) => f[i * (n + 1)]!).reduce((x, v) => x + v, 0) / n;
        const pi = s.piDamping ? Math.sqrt(trace(A[l]!, L.cols) / trace(G[l]!, L.rows)) : 1;
        Ainv[l] = spdInverseRef(A[l]!, L.cols, pi * Math.sqrt(s.damping));
        Ginv[l] = spdInverseRef(G[l]!, L.rows, Math.sqrt(s.damping) / pi);
      }
      const p = matmul(matmul(Ginv[l]!, D[l]!, L.rows, L.rows, L.cols), Ainv[l]!, L.rows, L.cols, L.cols);
      L.wb = L.wb.map((v, i) => v - s.lr * p[i]!);
    });
  }
  return { wb: layers.map((L) => L.wb), hg: Ginv };
}

export interface KbfgsSettings extends Settings {
  memory: number | null;
  doubleDamping: boolean;
  pairSmoothing: number;
  /** H^a: 'P' inverts A + √λI every T iterations; 'C' inverts it at k = 0, then one Hessian-action BFGS update per iteration. */
  variant: 'P' | 'C';
}

/** The BFGS inverse update H⁺ = H + (ρ²yᵀHy + ρ)ssᵀ − ρ(s(Hy)ᵀ + (Hy)sᵀ), ρ = 1/sᵀy (the authors' get_BFGS_formula). */
function bfgsRef(h: Vec, sv: Vec, yv: Vec, n: number): Vec {
  const rho = 1 / dot(sv, yv);
  const hy = matvec(h, yv);
  const c1 = rho * rho * dot(yv, hy) + rho;
  return h.map((v, e) => v + c1 * sv[Math.floor(e / n)]! * sv[e % n]! - rho * (sv[Math.floor(e / n)]! * hy[e % n]! + hy[Math.floor(e / n)]! * sv[e % n]!));
}

/** K-BFGS / K-BFGS(L), variant P or C: returns the final [w|b], H^g per layer (L-BFGS: H^g applied to I) and H^a. */
export function kbfgsRef(s: KbfgsSettings): Run & { ha: Vec[] } {
  const layers = layers64();
  const warm = pass(layers, TARGET);
  const A = layers.map((L, l) => gram(warm.h[l]!, M, L.cols, 1 / M));
  const D = layers.map((L) => new Float64Array(L.rows * L.cols));
  const Ha = layers.map((L) => identity(L.cols));
  const Hg = layers.map((L) => identity(L.rows));
  const pairs = layers.map(() => [] as { s: Vec; y: Vec }[]);
  const sy = layers.map((L) => ({ s: new Float64Array(L.rows), y: new Float64Array(L.rows) }));
  const hgOf = (l: number, n: number) => (s.memory ? twoLoopRef(pairs[l]!, identity(n), n, n, 1) : Hg[l]!);
  const mu2 = Math.min(Math.sqrt(s.damping), 1);
  for (let k = 0; k < s.iterations; k++) {
    const before = pass(layers, TARGET);
    layers.forEach((L, l) => {
      momentumStep(L, D[l]!, before.g[l]!, before.h[l]!, s);
      if (k > 0) {
        const a = gram(before.h[l]!, M, L.cols, 1 / M);
        A[l] = A[l]!.map((v, i) => s.factorDecay * v + (1 - s.factorDecay) * a[i]!);
      }
      if (s.variant === 'C' ? k === 0 : k % s.inverseEvery === 0) Ha[l] = spdInverseRef(A[l]!, L.cols, Math.sqrt(s.damping));
      const p = matmul(matmul(hgOf(l, L.rows), D[l]!, L.rows, L.rows, L.cols), Ha[l]!, L.rows, L.cols, L.cols);
      L.wb = L.wb.map((v, i) => v - s.lr * p[i]!);
    });
    const after = pass(layers, TARGET);
    layers.forEach((L, l) => {
      const gBar = colMean(before.g[l]!, L.rows);
      const sRaw = colMean(before.a[l]!, L.rows).map((v, i) => v - colMean(after.a[l]!, L.rows)[i]!);
      const yRaw = gBar.map((v, i) => v - colMean(after.g[l]!, L.rows)[i]!);
      const keep = s.pairSmoothing;
      sy[l]!.s = sy[l]!.s.map((v, i) => keep * v + (1 - keep) * sRaw[i]!);
      sy[l]!.y = sy[l]!.y.map((v, i) => keep * v + (1 - keep) * yRaw[i]!);
      // The damped pair updates H^g; the smoothed pair carried on stays undamped.
      let { s: sv, y: yv } = sy[l]!;
      if (s.doubleDamping) ({ s: sv, y: yv } = doubleDampRef(sv, yv, hgOf(l, L.rows), 0.2, mu2));
      if (acceptsPair(sv, yv, gBar)) {
        if (s.memory) {
          pairs[l]!.push({ s: Float64Array.from(sv), y: Float64Array.from(yv) });
          if (pairs[l]!.length > s.memory) pairs[l]!.shift();
        } else {
          Hg[l] = bfgsRef(Hg[l]!, sv, yv, L.rows);
        }
      }
      if (s.variant === 'C') {
        // kbfgs_utils.py, 'Hessian-action-BFGS': s_a = H^a·h̄ (h̄ = mean [h; 1] at θ), y_a = (A + √λI)·s_a.
        const hBar = colMean(before.h[l]!, L.cols);
        const sa = matvec(Ha[l]!, hBar);
        const shifted = A[l]!.map((v, e) => v + (Math.floor(e / L.cols) === e % L.cols ? Math.sqrt(s.damping) : 0));
        const ya = matvec(shifted, sa);
        if (acceptsPair(sa, ya, hBar)) Ha[l] = bfgsRef(Ha[l]!, sa, ya, L.cols);
      }
    });
  }
  return { wb: layers.map((L) => L.wb), hg: layers.map((L, l) => hgOf(l, L.rows)), ha: Ha };
}

/** [w | b] of the GPU parameters (w [rows, in], b [rows]) as one float64 row-major matrix. */
export async function packedParams(params: Tensor[]): Promise<Vec[]> {
  const out: Vec[] = [];
  for (let l = 0; l < params.length; l += 2) {
    const [rows, inputs] = params[l]!.shape as [number, number];
    const w = (await params[l]!.data()) as Float32Array;
    const b = (await params[l + 1]!.data()) as Float32Array;
    const wb = new Float64Array(rows * (inputs + 1));
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < inputs; j++) wb[i * (inputs + 1) + j] = w[i * inputs + j]!;
      wb[i * (inputs + 1) + inputs] = b[i]!;
    }
    out.push(wb);
  }
  return out;
}
