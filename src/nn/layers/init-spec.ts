// How a layer's weights are drawn. Seeds come from the model's seed so runs are reproducible.
import { gaussian, heNormal, xavierUniform } from '../init.js';
import type { Tensor } from '../../tensor/tensor.js';

export type InitSpec = 'he' | 'xavier' | { gaussian: number };

export function initWeight(spec: InitSpec, shape: number[], fanIn: number, fanOut: number, seed: number): Tensor {
  if (spec === 'he') return heNormal(shape, fanIn, seed);
  if (spec === 'xavier') return xavierUniform(shape, fanIn, fanOut, seed);
  return gaussian(shape, spec.gaussian, seed);
}
