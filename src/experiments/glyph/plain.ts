// The demo's computation in the clear: the public feature projection (PCA of the public
// images, quantized to small integers), class sums of features (the "training" of a
// nearest-centroid last layer), and test accuracy. The float64 version is the reference
// pipeline; the integer version is exactly what the encrypted pipeline must reproduce.
import { CLASSES, type Images } from './data.js';
import { meanAndCovariance, principalComponents } from './pca.js';

/** Pixel and weight scales of the integer pipeline (spec §9): pixels 0..15, weights −7..7. */
export const PIXEL_LEVELS = 15;
export const WEIGHT_LEVELS = 7;

/** What the server derives from public data: float projection and its integer version. */
export interface PublicModel {
  features: number;
  pixels: number;
  /** d × pixels principal directions and the public mean image (float64). */
  projection: Float64Array;
  mean: Float64Array;
  /** round(7 P / max|P|), rows per feature. */
  weights: number[][];
  /** round(15 mean). */
  meanInt: Int32Array;
  /** Σ_p weights[f][p] · meanInt[p]: subtracted from every encrypted feature. */
  offsets: number[];
}

export function publicModel(pub: Images, features: number): PublicModel {
  const { mean, cov } = meanAndCovariance(pub.x, pub.n, pub.pixels);
  const projection = principalComponents(cov, pub.pixels, features);
  const scale = WEIGHT_LEVELS / projection.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const weights = Array.from({ length: features }, (_, f) =>
    Array.from({ length: pub.pixels }, (_, p) => Math.round(projection[f * pub.pixels + p]! * scale)),
  );
  const meanInt = Int32Array.from(mean, (m) => Math.round(PIXEL_LEVELS * m));
  const offsets = weights.map((row) => row.reduce((s, w, p) => s + w * meanInt[p]!, 0));
  return { features, pixels: pub.pixels, projection, mean, weights, meanInt, offsets };
}

/** round(15 x) per pixel: what the client encrypts. */
export function quantizePixels(images: Images): Int32Array {
  return Int32Array.from(images.x, (v) => Math.round(PIXEL_LEVELS * v));
}

/** Integer features P_int (x_int − mean_int), n × d (exact in float64: |values| < 2^31). */
export function integerFeatures(model: PublicModel, images: Images): Float64Array {
  const xi = quantizePixels(images);
  const out = new Float64Array(images.n * model.features);
  for (let i = 0; i < images.n; i++) {
    for (let f = 0; f < model.features; f++) {
      const w = model.weights[f]!;
      let s = -model.offsets[f]!;
      for (let p = 0; p < model.pixels; p++) s += w[p]! * xi[i * model.pixels + p]!;
      out[i * model.features + f] = s;
    }
  }
  return out;
}

/** Float features P (x − mean), n × d. */
export function floatFeatures(model: PublicModel, images: Images): Float64Array {
  const out = new Float64Array(images.n * model.features);
  for (let i = 0; i < images.n; i++) {
    for (let f = 0; f < model.features; f++) {
      let s = 0;
      for (let p = 0; p < model.pixels; p++) s += model.projection[f * model.pixels + p]! * (images.x[i * model.pixels + p]! - model.mean[p]!);
      out[i * model.features + f] = s;
    }
  }
  return out;
}

/** The trained last layer: per class the sum of features W[f][c] and the count n_c. */
export interface ClassSums {
  sums: number[][];
  counts: number[];
}

export function classSums(features: Float64Array, labels: Uint8Array, d: number): ClassSums {
  const sums = Array.from({ length: d }, () => new Array<number>(CLASSES).fill(0));
  const counts = new Array<number>(CLASSES).fill(0);
  labels.forEach((c, i) => {
    counts[c]!++;
    for (let f = 0; f < d; f++) sums[f]![c]! += features[i * d + f]!;
  });
  return { sums, counts };
}

/** Test accuracy of the nearest class centroid W[:, c] / n_c. */
export function nearestCentroidAccuracy(model: ClassSums, features: Float64Array, labels: Uint8Array): number {
  const d = model.sums.length;
  const centroids = model.counts.map((n, c) => model.sums.map((row) => row[c]! / Math.max(n, 1)));
  let correct = 0;
  labels.forEach((y, i) => {
    let best = 0;
    let bestDist = Infinity;
    centroids.forEach((mu, c) => {
      let dist = 0;
      for (let f = 0; f < d; f++) dist += (features[i * d + f]! - mu[f]!) ** 2;
      if (dist < bestDist) [best, bestDist] = [c, dist];
    });
    if (best === y) correct++;
  });
  return correct / labels.length;
}
