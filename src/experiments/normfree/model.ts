// The spec's residual MLP family (normalization-free spec §7): stem 784 → w, K residual blocks
// of width w, head w → 10, in five variants.
import { Centering } from '../../nn/layers/centered.js';
import { ReLU } from '../../nn/layers/activation.js';
import { Linear } from '../../nn/layers/linear.js';
import {
  ResidualMlpBlock,
  batchNormResidualBlock,
  plainResidualBlock,
  rescaledResidualBlock,
} from '../../nn/layers/rescaled-residual.js';
import { Flatten, Sequential } from '../../nn/layers/sequential.js';
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';

export type Variant = 'plain' | 'bn' | 'rescale' | 'rescale-noalpha' | 'rescale-nocenter';

export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  plain: 'PLAIN',
  bn: 'BN',
  rescale: 'RESCALE',
  'rescale-noalpha': 'RESCALE-noalpha',
  'rescale-nocenter': 'RESCALE-nocenter',
};

/** Variants whose stem and head carry centering biases (the author's stem and head). */
const centred = (v: Variant) => v === 'rescale' || v === 'rescale-noalpha';

function block(variant: Variant, k: number, depth: number, width: number, seed: number): ResidualMlpBlock {
  switch (variant) {
    case 'plain':
      return plainResidualBlock(width, seed);
    case 'bn':
      return batchNormResidualBlock(width, seed);
    case 'rescale':
      return rescaledResidualBlock(k, depth, width, { seed });
    case 'rescale-nocenter':
      return rescaledResidualBlock(k, depth, width, { seed, centering: false });
    case 'rescale-noalpha':
      // Our reading of "alpha = 1, beta = 1": relu(x + m_k·F(x)), He init unshrunk, m_k learned.
      return new ResidualMlpBlock(width, { learnMultiplier: true, bias: 'centering', seed });
  }
}

export class ResidualMlp extends Module {
  readonly stem: Sequential;
  readonly blocks: ResidualMlpBlock[];
  readonly head: Sequential;

  constructor(readonly variant: Variant, readonly depth: number, readonly width: number, inputs: number, classes: number, seed: number) {
    super();
    // Distinct init seeds per layer: stem, two per block, head.
    const base = seed * 4096;
    const stemLinear = new Linear(inputs, width, { bias: !centred(variant), activation: centred(variant) ? 'none' : 'relu', seed: base });
    this.stem = centred(variant) ? new Sequential(new Flatten(), stemLinear, new Centering(width), new ReLU()) : new Sequential(new Flatten(), stemLinear);
    this.blocks = Array.from({ length: depth }, (_, i) => block(variant, i + 1, depth, width, base + 2 + 2 * i));
    const headLinear = new Linear(width, classes, { init: { gaussian: Math.sqrt(1 / width) }, seed: base + 2 + 2 * depth });
    this.head = centred(variant) ? new Sequential(new Centering(width), headLinear) : new Sequential(headLinear);
  }

  override children(): Record<string, Module> {
    return { stem: this.stem, ...Object.fromEntries(this.blocks.map((b, i) => [`block${i + 1}`, b])), head: this.head };
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.blocks.reduce((h, b) => b.forward(h), this.stem.forward(x)));
  }

  /** The learned branch multipliers m_k (1 where the variant does not learn them). */
  async multipliers(): Promise<number[]> {
    return Promise.all(this.blocks.map((b) => b.multiplier.item()));
  }
}
