// The spec's synthetic data (overparam-convergence §6): unit-norm inputs in R^d with random ±1
// labels, and the paired variant whose pairs sit at chord distance phi with opposite labels.
import { SeededRng } from '../../data/rng.js';
import { fail } from '../../device/errors.js';

export interface SphereData {
  /** [n, d] row-major, every row of norm 1. */
  x: Float32Array;
  /** [n], each ±1. */
  y: Float32Array;
  n: number;
  d: number;
}

/** A standard normal draw (Box–Muller; 1 − u keeps the log finite). */
export function normal(rng: SeededRng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

function unitVector(rng: SeededRng, d: number): Float64Array {
  const v = Float64Array.from({ length: d }, () => normal(rng));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const sign = (rng: SeededRng) => (rng.nextFloat() < 0.5 ? -1 : 1);

/** n points uniform on the unit sphere of R^d with uniform ±1 labels (random labels). */
export function sphereData(n: number, d: number, seed: number): SphereData {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 2) fail(`sphereData: n = ${n} and d = ${d} must be integers, n ≥ 1 and d ≥ 2`);
  const rng = new SeededRng(seed, 1);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(unitVector(rng, d), i * d);
    y[i] = sign(rng);
  }
  return { x, y, n, d };
}

/**
 * `pairs` pairs: x uniform on the sphere, x' = cos θ·x + sin θ·u for a random unit u ⟂ x with
 * θ = 2·asin(phi/2), so ‖x − x'‖ = phi exactly; x' gets the label opposite to x's.
 */
export function pairedData(pairs: number, d: number, phi: number, seed: number): SphereData {
  if (!(phi > 0 && phi <= 2)) fail(`pairedData: phi = ${phi} must lie in (0, 2] (a chord of the unit sphere)`);
  if (!Number.isInteger(pairs) || pairs < 1) fail(`pairedData: pairs = ${pairs} must be a positive integer`);
  const rng = new SeededRng(seed, 2);
  const theta = 2 * Math.asin(phi / 2);
  const x = new Float32Array(2 * pairs * d);
  const y = new Float32Array(2 * pairs);
  for (let k = 0; k < pairs; k++) {
    const a = unitVector(rng, d);
    // A random direction, made orthogonal to a (Gram–Schmidt) and normalised.
    const r = unitVector(rng, d);
    const dot = r.reduce((s, v, i) => s + v * a[i]!, 0);
    const u = r.map((v, i) => v - dot * a[i]!);
    const un = Math.hypot(...u);
    x.set(a, 2 * k * d);
    x.set(a.map((v, i) => Math.cos(theta) * v + (Math.sin(theta) * u[i]!) / un), (2 * k + 1) * d);
    y[2 * k] = sign(rng);
    y[2 * k + 1] = -y[2 * k]!;
  }
  return { x, y, n: 2 * pairs, d };
}

/** The smallest distance between two inputs (the data's separation phi). */
export function minDistance({ x, n, d }: SphereData): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k]! - x[j * d + k]!) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
  }
  return best;
}
