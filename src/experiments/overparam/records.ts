// What each run records (overparam-convergence §6), computed in float64 on the CPU from the
// initial and final weights: iterations to each relative loss level, per-layer movement
// (Frobenius, relative Frobenius, relative spectral), ReLU sign flips on the training set, the
// path length against the net displacement, and whether the signs of f match the labels.
import type { SphereData } from './data.js';
import type { MemberTrace } from './gd.js';
import { layerShapes, type MemberWeights, type NetShape } from './net.js';

export const LEVELS = [1e-2, 1e-3, 1e-4] as const;

export interface LayerMovement {
  /** ‖W_T − W_0‖_F */
  frobenius: number;
  /** ‖W_T − W_0‖_F / ‖W_0‖_F */
  relativeFrobenius: number;
  /** ‖W_T − W_0‖_2 / ‖W_0‖_2 */
  relativeSpectral: number;
  /** Fraction of (example, unit) pre-activations whose sign changed between init and the end. */
  signFlips: number;
}

export interface RunRecord {
  seed: number;
  width: number;
  n: number;
  lr: number;
  /** First step with loss ≤ level × initial loss, per level (null: never within the run). */
  steps: Record<string, number | null>;
  initialLoss: number;
  finalLoss: number;
  updates: number;
  layers: LayerMovement[];
  /** Σ_t lr·‖g_t‖ over the trained weights jointly. */
  pathLength: number;
  /** sqrt(Σ_l ‖ΔW_l‖_F²) over the trained weights (hidden layers, or v when only v trains). */
  displacement: number;
  /** sign(f(x_i)) = y_i for every i at the end. */
  signsMatch: boolean;
  /** (step, loss / initial loss), thinned to ≤ 200 points, for plots. */
  curve: [number, number][];
}

/** Weights in any precision (the records read f32 ones; tests also pass float64 ones). */
export interface WeightsLike {
  W: readonly ArrayLike<number>[];
  v: ArrayLike<number>;
}

/** Pre-activations z_l [n, m] of every layer and the outputs f [n], in float64. */
export function forwardCpu(w: WeightsLike, shape: NetShape, data: SphereData): { z: Float64Array[]; f: Float64Array } {
  const { n } = data;
  let h: Float64Array = Float64Array.from(data.x);
  const z: Float64Array[] = [];
  for (const [l, [inputs, outputs]] of layerShapes(shape).entries()) {
    const W = w.W[l]!;
    const zl = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < inputs; k++) {
        const a = h[i * inputs + k]!;
        if (a === 0) continue;
        for (let j = 0; j < outputs; j++) zl[i * outputs + j]! += a * W[k * outputs + j]!;
      }
    }
    z.push(zl);
    h = zl.map((v) => Math.max(v, 0));
  }
  const m = shape.width;
  const f = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += h[i * m + j]! * w.v[j]!;
    return s;
  });
  return { z, f };
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** The largest singular value of a [rows, cols] matrix, by power iteration on AᵀA. */
export function spectralNorm(a: ArrayLike<number>, rows: number, cols: number, iterations = 60): number {
  let v = Float64Array.from({ length: cols }, (_, j) => 1 + ((j * 7919) % 13) / 13); // fixed, not orthogonal to anything in practice
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) u[i]! += a[i * cols + j]! * v[j]!;
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[j]! += a[i * cols + j]! * u[i]!;
    const norm = frobenius(w);
    if (norm === 0) return 0;
    sigma = Math.sqrt(norm / frobenius(v));
    v = w.map((x) => x / norm);
  }
  return sigma;
}

/** First t with losses[t] ≤ level × losses[0]. */
export function stepsTo(losses: ArrayLike<number>, level: number): number | null {
  for (let t = 0; t < losses.length; t++) if (losses[t]! <= level * losses[0]!) return t;
  return null;
}

function thin(losses: Float32Array): [number, number][] {
  const every = Math.max(1, Math.ceil(losses.length / 200));
  const out: [number, number][] = [];
  for (let t = 0; t < losses.length; t += every) out.push([t, losses[t]! / losses[0]!]);
  if ((losses.length - 1) % every) out.push([losses.length - 1, losses.at(-1)! / losses[0]!]);
  return out;
}

export function recordRun(
  run: { seed: number; lr: number; trained: 'hidden' | 'output' },
  shape: NetShape,
  data: SphereData,
  init: MemberWeights,
  final: MemberWeights,
  trace: MemberTrace,
): RunRecord {
  const before = forwardCpu(init, shape, data);
  const after = forwardCpu(final, shape, data);
  const layers = layerShapes(shape).map(([rows, cols], l): LayerMovement => {
    const w0 = init.W[l]!;
    const delta = Float64Array.from(final.W[l]!, (v, i) => v - w0[i]!);
    const z0 = before.z[l]!;
    const z1 = after.z[l]!;
    let flips = 0;
    for (let i = 0; i < z0.length; i++) if (z0[i]! > 0 !== z1[i]! > 0) flips++;
    return {
      frobenius: frobenius(delta),
      relativeFrobenius: frobenius(delta) / frobenius(w0),
      relativeSpectral: spectralNorm(delta, rows, cols) / spectralNorm(w0, rows, cols),
      signFlips: flips / z0.length,
    };
  });
  const displacement =
    run.trained === 'hidden' ? Math.hypot(...layers.map((l) => l.frobenius)) : frobenius(Float64Array.from(final.v, (v, i) => v - init.v[i]!));
  const { losses } = trace;
  return {
    seed: run.seed,
    width: shape.width,
    n: data.n,
    lr: run.lr,
    steps: Object.fromEntries(LEVELS.map((level) => [String(level), stepsTo(losses, level)])),
    initialLoss: losses[0]!,
    finalLoss: losses.at(-1)!,
    updates: trace.updates,
    layers,
    pathLength: trace.pathLength,
    displacement,
    signsMatch: Array.from(after.f).every((f, i) => Math.sign(f) === data.y[i]),
    curve: thin(losses),
  };
}
