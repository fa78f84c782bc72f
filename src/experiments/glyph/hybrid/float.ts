// The float64 twin of the hybrid network (G2's reference): the same architecture, targets,
// initial weights (the integer ones, rescaled), sample order and squared-error SGD, with real
// numbers and no re-quantisation. Features are part 1's float PCA features divided by `scale`.
import { CLASSES } from '../data.js';
import type { HybridConfig } from './config.js';
import { batchSchedule, initialWeights } from './simulate.js';

export interface FloatWeights {
  hidden: Float64Array;
  output: Float64Array;
}

export interface FloatOptions {
  /** Learning rate per summed minibatch gradient. */
  lr: number;
  /** Features are divided by this (so they sit in about [−1, 1]). */
  scale: number;
}

function forward(c: HybridConfig, w: FloatWeights, x: Float64Array, at: number, scale: number) {
  const h = new Float64Array(c.hidden);
  for (let j = 0; j < c.hidden; j++) {
    let z = 0;
    for (let f = 0; f < c.features; f++) z += w.hidden[j * c.features + f]! * x[at + f]! / scale;
    h[j] = Math.max(0, z);
  }
  const o = new Float64Array(CLASSES);
  for (let k = 0; k < CLASSES; k++) for (let j = 0; j < c.hidden; j++) o[k] += w.output[k * c.hidden + j]! * h[j]!;
  return { h, o };
}

export function floatTraining(c: HybridConfig, x: Float64Array, labels: Uint8Array, opts: FloatOptions): FloatWeights {
  const init = initialWeights(c);
  // Same draws as the integer run, in units of the init range (about He-scaled for small r).
  const w: FloatWeights = {
    hidden: Float64Array.from(init.hidden, (v) => v / c.initRange.hidden / Math.sqrt(c.features)),
    output: Float64Array.from(init.output, (v) => v / c.initRange.output / Math.sqrt(c.hidden)),
  };
  const d = c.features;
  for (const batch of batchSchedule(c, labels.length)) {
    const gHidden = new Float64Array(w.hidden.length);
    const gOutput = new Float64Array(w.output.length);
    for (const i of batch) {
      const { h, o } = forward(c, w, x, i * d, opts.scale);
      const e = Float64Array.from(o, (v, k) => v - (labels[i] === k ? 1 : 0));
      for (let j = 0; j < c.hidden; j++) {
        let back = 0;
        for (let k = 0; k < CLASSES; k++) {
          gOutput[k * c.hidden + j] += e[k]! * h[j]!;
          back += w.output[k * c.hidden + j]! * e[k]!;
        }
        if (h[j]! > 0) for (let f = 0; f < d; f++) gHidden[j * d + f] += back * x[i * d + f]! / opts.scale;
      }
    }
    gHidden.forEach((g, k) => (w.hidden[k] -= opts.lr * g));
    gOutput.forEach((g, k) => (w.output[k] -= opts.lr * g));
  }
  return w;
}

export function floatAccuracy(c: HybridConfig, w: FloatWeights, x: Float64Array, labels: Uint8Array, scale: number): number {
  let correct = 0;
  labels.forEach((y, i) => {
    const { o } = forward(c, w, x, i * c.features, scale);
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (o[k]! > o[best]!) best = k;
    if (best === y) correct++;
  });
  return correct / labels.length;
}
