// The hybrid network's fixed-point configuration (ours; Glyph's bit widths were not retrieved).
// Architecture (spec part 2 §4): frozen public PCA features (d) → h ReLU units → 10 outputs,
// squared error on one-hot targets scaled by `targetScale`, minibatch SGD. Learning rates are
// the gradient sites' windows: a window of W bits shifts by W − p − 1.
import { fail } from '../../../device/errors.js';
import { site, type RequantSite } from './requantize.js';

export interface HybridConfig {
  /** p: PBS message bits (one padding bit on top); every PBS input lies in [0, 2^(p+1)). */
  p: number;
  /** T: the BGV plaintext modulus is t = 2^T; every window is ≤ T. */
  plainBits: number;
  features: number;
  hidden: number;
  /** Samples per SGD step (gradients are summed over them, not averaged: no division). */
  batch: number;
  epochs: number;
  /** Windows W of the six re-quantisation sites (see requantize.ts). */
  windows: { feature: number; hidden: number; output: number; backward: number; gradHidden: number; gradOutput: number };
  /** One-hot targets are targetScale·y (signed p-bit outputs must reach it). */
  targetScale: number;
  /** Initial weights: integers uniform in [−r, r]. */
  initRange: { hidden: number; output: number };
  seed: number;
  /** The float64 twin's learning rate (per summed minibatch gradient). */
  floatLearningRate: number;
}

export interface HybridSites {
  feature: RequantSite;
  hidden: RequantSite;
  output: RequantSite;
  backward: RequantSite;
  gradHidden: RequantSite;
  gradOutput: RequantSite;
}

export function sitesOf(c: HybridConfig): HybridSites {
  const w = c.windows;
  for (const [name, bits] of Object.entries(w)) {
    if (bits > c.plainBits) fail(`hybrid: window ${name} = ${bits} bits exceeds the plaintext modulus 2^${c.plainBits}; use W <= T`);
  }
  if (c.targetScale >= 2 ** (c.p - 1)) fail(`hybrid: targetScale ${c.targetScale} must be below 2^(p−1) = ${2 ** (c.p - 1)} so outputs can reach it`);
  return {
    feature: site('feature', c.p, w.feature),
    hidden: site('hidden', c.p, w.hidden),
    output: site('output', c.p, w.output),
    backward: site('backward', c.p, w.backward, c.p - 1),
    gradHidden: site('gradHidden', c.p, w.gradHidden),
    gradOutput: site('gradOutput', c.p, w.gradOutput),
  };
}

/** Default profile: d = 32, h = 16 (windows chosen by the sweep recorded in the glyph README). */
export const HYBRID_DEFAULT: HybridConfig = {
  p: 5,
  plainBits: 14,
  features: 32,
  hidden: 16,
  batch: 16,
  epochs: 4,
  windows: { feature: 12, hidden: 14, output: 13, backward: 14, gradHidden: 9, gradOutput: 10 },
  targetScale: 8,
  initRange: { hidden: 64, output: 64 },
  seed: 1,
  floatLearningRate: 0.03,
};

/** Quick profile: d = 16, h = 8. */
export const HYBRID_QUICK: HybridConfig = { ...HYBRID_DEFAULT, features: 16, hidden: 8 };
