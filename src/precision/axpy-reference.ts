// CPU reference of the 16-bit SGD update (shaders/precision/sgd-sr.wgsl): the AXPY chain of
// Wang et al. 2018, every line computed in f32 and rounded onto the weight grid.
//   g = round(gradScale·grad + weightDecay·w);  v = round(momentum·v + g);  w = round(w − lr·v)
import type { FloatFormat } from './format.js';
import { roundToGrid } from './round.js';

export interface AxpyHyper {
  lr: number;
  gradScale: number;
  momentum: number;
  weightDecay: number;
  format: FloatFormat;
  rounding: 'sr' | 'rne';
}

/** Random word for AXPY line 0..2 of element i (stochastic rounding only). */
export type LineRandom = (line: number, i: number) => number;

/** Updates w and v in place; returns how many nonzero updates round-to-nearest would discard, and how many were nonzero. */
export function axpyStep(w: Float32Array, grad: Float32Array, v: Float32Array, h: AxpyHyper, random: LineRandom): { lost: number; updates: number } {
  const f = Math.fround;
  const round = (x: number, line: number, i: number) => roundToGrid(x, h.format, h.rounding, h.rounding === 'sr' ? random(line, i) : 0);
  let lost = 0;
  let updates = 0;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    const g = round(f(f(f(h.gradScale) * grad[i]!) + f(f(h.weightDecay) * wi)), 0, i);
    const vi = round(f(f(f(h.momentum) * v[i]!) + g), 1, i);
    const step = f(f(h.lr) * vi);
    v[i] = vi;
    w[i] = round(f(wi - step), 2, i);
    if (step !== 0) {
      updates++;
      if (roundToGrid(f(wi - step), h.format, 'rne') === wi) lost++;
    }
  }
  return { lost, updates };
}
