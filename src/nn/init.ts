// Parameter initialisers: random fills drawn on the GPU, returned as trainable leaves.
import { fail } from '../device/errors.js';
import { randomNormal, randomUniform } from '../kernels/rng/random.js';
import { asLeaf } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** Parameters are detached leaves of the random op that drew them. */
function asParameter(t: Tensor, what: string): Tensor {
  if (!t.storage) fail(`${what}: parameters are created eagerly; make them before compile(), not inside it`);
  return asLeaf(t, what).trainable();
}

/**
 * Initial weights depend on the seed alone (not on how many random ops ran before), so a model
 * built twice with the same seeds is the same model: resumed runs and eager/compiled comparisons
 * rely on it. Layers get distinct seeds; all draw from this one reserved stream.
 */
const INIT_STREAM = 0x80000000;

function requireFan(what: string, name: string, fan: number): void {
  if (!Number.isInteger(fan) || fan < 1) fail(`${what}: ${name} = ${fan} must be a positive integer`);
}

/** N(0, 2/fanIn): He et al. 2015, for layers followed by ReLU. */
export function heNormal(shape: readonly number[], fanIn: number, seed: number): Tensor {
  requireFan('heNormal', 'fanIn', fanIn);
  return asParameter(randomNormal(shape, { seed, stream: INIT_STREAM, std: Math.sqrt(2 / fanIn) }), 'heNormal');
}

/** U(−b, b) with b = sqrt(6/(fanIn + fanOut)): Glorot & Bengio 2010. */
export function xavierUniform(shape: readonly number[], fanIn: number, fanOut: number, seed: number): Tensor {
  requireFan('xavierUniform', 'fanIn', fanIn);
  requireFan('xavierUniform', 'fanOut', fanOut);
  const b = Math.sqrt(6 / (fanIn + fanOut));
  return asParameter(randomUniform(shape, { seed, stream: INIT_STREAM, lo: -b, hi: b }), 'xavierUniform');
}

/** N(0, std²). */
export function gaussian(shape: readonly number[], std: number, seed: number): Tensor {
  return asParameter(randomNormal(shape, { seed, stream: INIT_STREAM, std }), 'gaussian');
}
