// G2 (spec part 2 §5): the integer simulation run to completion on the full private split
// against float64 training of the same architecture, beside part 1's nearest-centroid accuracy.
import type { GlyphData } from '../data.js';
import { classSums, floatFeatures, integerFeatures, nearestCentroidAccuracy, publicModel } from '../plain.js';
import type { HybridConfig } from './config.js';
import { floatAccuracy, floatTraining } from './float.js';
import { integerAccuracy, integerTraining, noWraps, quantizeFeatures, type WrapCounts } from './simulate.js';

/** G2's bar: the integer simulation within this many points of float64. */
export const G2_MAX_GAP_POINTS = 3;

export interface HybridUtility {
  integer: number;
  float: number;
  /** Part 1's nearest-centroid accuracy on the same integer features. */
  nearestCentroid: number;
  steps: number;
  wraps: WrapCounts;
  maxAbsWeight: number;
}

export function hybridUtility(data: GlyphData, c: HybridConfig): HybridUtility {
  const model = publicModel(data.public, c.features);
  const trainInt = integerFeatures(model, data.private);
  const testInt = integerFeatures(model, data.test);
  const wraps = noWraps();
  const run = integerTraining(c, quantizeFeatures(c, trainInt, wraps), data.private.y);
  const integer = integerAccuracy(c, run.weights, quantizeFeatures(c, testInt), data.test.y);
  for (const [k, v] of Object.entries(run.wraps)) wraps[k as keyof WrapCounts] += v;

  // The float twin sees features scaled by half the largest public |feature| (public knowledge).
  const scale = floatFeatures(model, data.public).reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 2;
  const weights = floatTraining(c, floatFeatures(model, data.private), data.private.y, { lr: c.floatLearningRate, scale });
  const float = floatAccuracy(c, weights, floatFeatures(model, data.test), data.test.y, scale);

  const nearestCentroid = nearestCentroidAccuracy(classSums(trainInt, data.private.y, c.features), testInt, data.test.y);
  return { integer, float, nearestCentroid, steps: run.steps, wraps, maxAbsWeight: run.maxAbsWeight };
}
