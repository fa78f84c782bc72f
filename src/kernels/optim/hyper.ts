// The optimizer hyperparameter block (shaders/optim/hyper.wgsl): four u32 words
// [lr as f32 bits, step, 1 − β₁ᵗ as f32 bits, 1 − β₂ᵗ as f32 bits], and the op that starts a step.
import advanceSource from '../../../shaders/optim/advance.wgsl';
import hyperSource from '../../../shaders/optim/hyper.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../kernel.js';
import { inPlaceUpdate } from './update.js';

export { hyperSource };

export const HYPER_WORDS = 4;

export interface HyperValues {
  lr: number;
  step: number;
  debias: readonly [number, number];
}

export function packHyper(h: HyperValues): Uint32Array {
  const words = new Uint32Array(HYPER_WORDS);
  const floats = new Float32Array(words.buffer);
  floats[0] = h.lr;
  words[1] = h.step;
  floats[2] = h.debias[0];
  floats[3] = h.debias[1];
  return words;
}

export function unpackHyper(words: Uint32Array): HyperValues {
  const floats = new Float32Array(words.buffer, words.byteOffset, HYPER_WORDS);
  return { lr: floats[0]!, step: words[1]!, debias: [floats[2]!, floats[3]!] };
}

const advanceKernel = new Kernel({ name: 'optim/advance', source: [hyperSource, advanceSource] });

/** step += 1 and the bias corrections 1 − βᵗ advance; `decay` holds 1 − β (0: unused). */
export function advanceStep(hyper: Tensor, decay: readonly [number, number]): Tensor {
  return inPlaceUpdate(advanceKernel, { hyper }, { decay: [...decay] });
}
