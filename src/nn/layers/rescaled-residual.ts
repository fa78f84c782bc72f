// Residual MLP blocks without and with normalization (Shao et al. 2020 and its baselines):
//   y = relu(alpha·x + beta·m·F(x)),   F(x) = W2 · relu(W1 · x)
// with the block's biases either ordinary (after each linear), or centering biases on each
// linear's input, and optionally BatchNorm after each linear of the branch. One class serves
// the plain block (alpha = beta = m = 1), the BatchNorm block and the rescaled block.
import { fail } from '../../device/errors.js';
import { relu } from '../../kernels/elementwise/unary.js';
import { residualMix } from '../../kernels/nn/residual-mix.js';
import { full } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { BatchNorm1d } from './batchnorm.js';
import { Centering, type CenteringOptions } from './centered.js';
import { Linear } from './linear.js';

/** Where a block's biases go: centering biases before each linear, ordinary ones after, or none. */
export type BranchBias = 'centering' | 'linear' | 'none';

export interface ResidualMlpOptions {
  /** Weight of the skip path (default 1). */
  alpha?: number;
  /** Fixed factor beta on the branch (default 1). */
  branchScale?: number;
  /** Train the branch multiplier m (starts at 1); otherwise it stays 1. */
  learnMultiplier?: boolean;
  /** Factor on the He-init std of both branch weights (default 1). */
  initScale?: number;
  bias?: BranchBias;
  /** BatchNorm after each linear of the branch (gamma = 1, beta = 0). */
  batchNorm?: boolean;
  centering?: CenteringOptions;
  /** The two weights are drawn with seeds `seed` and `seed + 1`. */
  seed?: number;
}

export class ResidualMlpBlock extends Module {
  readonly alpha: number;
  readonly branchScale: number;
  /** m: a parameter when learned, else a buffer holding 1. */
  readonly multiplier: Tensor;
  readonly learnMultiplier: boolean;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly center1: Centering | null;
  readonly center2: Centering | null;
  readonly bn1: BatchNorm1d | null;
  readonly bn2: BatchNorm1d | null;

  constructor(readonly width: number, opts: ResidualMlpOptions = {}) {
    super();
    const { alpha = 1, branchScale = 1, learnMultiplier = false, initScale = 1, bias = 'linear', batchNorm = false, seed = 0 } = opts;
    if (!Number.isInteger(width) || width < 1) fail(`ResidualMlpBlock: width = ${width} must be a positive integer`);
    if (!(initScale > 0)) fail(`ResidualMlpBlock: initScale = ${initScale} must be positive`);
    this.alpha = alpha;
    this.branchScale = branchScale;
    this.learnMultiplier = learnMultiplier;
    this.multiplier = learnMultiplier ? full([1], 1).trainable() : full([1], 1);
    const init = { gaussian: Math.sqrt(2 / width) * initScale };
    const withBias = bias === 'linear';
    this.fc1 = new Linear(width, width, { bias: withBias, activation: batchNorm ? 'none' : 'relu', init, seed });
    this.fc2 = new Linear(width, width, { bias: withBias, init, seed: seed + 1 });
    this.center1 = bias === 'centering' ? new Centering(width, opts.centering) : null;
    this.center2 = bias === 'centering' ? new Centering(width, opts.centering) : null;
    this.bn1 = batchNorm ? new BatchNorm1d(width) : null;
    this.bn2 = batchNorm ? new BatchNorm1d(width) : null;
  }

  override children(): Record<string, Module> {
    const named: Record<string, Module | null> = { center1: this.center1, fc1: this.fc1, bn1: this.bn1, center2: this.center2, fc2: this.fc2, bn2: this.bn2 };
    return Object.fromEntries(Object.entries(named).filter((e): e is [string, Module] => e[1] !== null));
  }

  override ownParameters(): Record<string, Tensor> {
    return this.learnMultiplier ? { multiplier: this.multiplier } : {};
  }

  override ownBuffers(): Record<string, Tensor> {
    return this.learnMultiplier ? {} : { multiplier: this.multiplier };
  }

  /** The branch F(x) before the multiplier. */
  branch(x: Tensor): Tensor {
    let h = this.center1 ? this.center1.forward(x) : x;
    h = this.fc1.forward(h);
    if (this.bn1) h = relu(this.bn1.forward(h));
    if (this.center2) h = this.center2.forward(h);
    h = this.fc2.forward(h);
    return this.bn2 ? this.bn2.forward(h) : h;
  }

  forward(x: Tensor): Tensor {
    return residualMix(x, this.branch(x), this.multiplier, { alpha: this.alpha, beta: this.branchScale });
  }
}

/**
 * The rescaling rule for block k of L (1-based), with the free constant c (the paper: c = L):
 * alpha_k² + beta_k² = 1 keeps the variance, and every branch ends up with the same weight in
 * x_L = sqrt(c/(L+c))·x_0 + (1/sqrt(L+c))·Σ F_k.
 */
export function rescaleCoefficients(k: number, depth: number, c = depth): { alpha: number; beta: number } {
  if (!Number.isInteger(depth) || depth < 1) fail(`rescaleCoefficients: depth = ${depth} must be a positive integer`);
  if (!Number.isInteger(k) || k < 1 || k > depth) fail(`rescaleCoefficients: block k = ${k} must be an integer in [1, ${depth}]`);
  if (!(c > 0)) fail(`rescaleCoefficients: c = ${c} must be positive`);
  return { alpha: Math.sqrt((k - 1 + c) / (k + c)), beta: Math.sqrt(1 / (k + c)) };
}

export interface RescaledBlockOptions {
  seed?: number;
  /** Centering biases before each linear (the method); false: ordinary zero-init biases. */
  centering?: boolean;
  centeringOptions?: CenteringOptions;
}

/**
 * Block k of `depth` in RescaleNet form: relu(alpha_k·x + (m_k/sqrt(L))·F(x)) with m_k learned
 * (starting at 1) and both branch weights' He std times (L/(k+L))^(1/4), so that at init the
 * branch weighs beta_k = 1/sqrt(k+L) (ReLU is positively homogeneous, two layers share the factor).
 */
export function rescaledResidualBlock(k: number, depth: number, width: number, opts: RescaledBlockOptions = {}): ResidualMlpBlock {
  const { alpha } = rescaleCoefficients(k, depth);
  return new ResidualMlpBlock(width, {
    alpha,
    branchScale: 1 / Math.sqrt(depth),
    learnMultiplier: true,
    initScale: (depth / (k + depth)) ** (1 / 4),
    bias: opts.centering === false ? 'linear' : 'centering',
    centering: opts.centeringOptions,
    seed: opts.seed,
  });
}

/** relu(x + W2·relu(W1·x + b1) + b2), He init: the un-normalized baseline. */
export function plainResidualBlock(width: number, seed = 0): ResidualMlpBlock {
  return new ResidualMlpBlock(width, { bias: 'linear', seed });
}

/** relu(x + BN(W2·relu(BN(W1·x)))), He init, no biases (BatchNorm's beta takes their place). */
export function batchNormResidualBlock(width: number, seed = 0): ResidualMlpBlock {
  return new ResidualMlpBlock(width, { bias: 'none', batchNorm: true, seed });
}
