// Spec §8 B: swamping of small weight updates. W = 1.0 on the FP16 (1,6,9) grid (ulp 2^-9)
// takes `steps` updates W -= 2^-12 through the GPU's 16-bit SGD update, with round-to-nearest
// and with stochastic rounding. RNE loses every update (2^-12 < half an ulp); SR keeps them in
// expectation, so the mean lands near 1 − steps·2^-12.
import { compile } from '../../graph/compile.js';
import { LowpSGD } from '../../precision/training/lowp-sgd.js';
import { FP16_169 } from '../../precision/format.js';
import { tensor } from '../../tensor/create.js';

export const UPDATE = 2 ** -12;

export interface SwampingResult {
  rounding: 'rne' | 'sr';
  elements: number;
  steps: number;
  /** 1 − steps·2^-12: where exact arithmetic ends. */
  exact: number;
  mean: number;
  min: number;
  max: number;
  /** Elements still exactly 1.0. */
  unchanged: number;
  /** Counted by the update kernel: updates round-to-nearest discards / all updates. */
  lostUpdateFraction: number;
}

export async function swamping(rounding: 'rne' | 'sr', elements: number, steps: number, seed: number): Promise<SwampingResult> {
  const w = tensor(new Float32Array(elements).fill(1), [elements], 'f32', 'swamping/w').trainable();
  // With lr = 2^-12 and a unit gradient, the chain is g = 1, v = 1, W = round(W − 2^-12).
  w.grad = tensor(new Float32Array(elements).fill(1), [elements], 'f32', 'swamping/grad');
  const opt = new LowpSGD([w], { lr: UPDATE, format: FP16_169, rounding, seed });
  const step = await compile({}, () => {
    opt.step();
    return {};
  });
  try {
    for (let i = 0; i < steps; i++) await step.run({});
    const values = (await w.data()) as Float32Array;
    let sum = 0;
    let unchanged = 0;
    for (const v of values) {
      sum += v;
      if (v === 1) unchanged++;
    }
    return {
      rounding,
      elements,
      steps,
      exact: 1 - steps * UPDATE,
      mean: sum / elements,
      min: Math.min(...values),
      max: Math.max(...values),
      unchanged,
      lostUpdateFraction: (await opt.lostUpdates()).fraction,
    };
  } finally {
    step.dispose();
    opt.dispose();
    w.dispose();
  }
}
