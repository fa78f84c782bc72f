// The optimizer hyperparameter block (struct Hyper in shaders/optim/hyper.wgsl: lr, step and
// the two bias corrections), held in a u32 tensor and packed by the layout read from that struct,
// and the op that starts a step.
import advanceSource from '../../../shaders/optim/advance.wgsl';
import hyperSource from '../../../shaders/optim/hyper.wgsl';
import { Kernel } from '../../device/kernel.js';
import { packUniforms, reflectStruct, unpackStruct, type StructLayout } from '../../device/uniforms.js';
import type { Tensor } from '../../tensor/tensor.js';
import { inPlaceUpdate } from './update.js';

export { hyperSource };

let layout: StructLayout | undefined;
// Read on first use, like every kernel's layouts: importing gradwgsl parses no WGSL.
const hyperLayout = () => (layout ??= reflectStruct(hyperSource, 'Hyper'));

/** u32 words in the block. */
export const hyperWords = () => hyperLayout().size / 4;

export interface HyperValues {
  lr: number;
  step: number;
  debias: readonly [number, number];
}

export function packHyper(h: HyperValues): Uint32Array {
  const words = new Uint32Array(hyperWords());
  packUniforms(hyperLayout(), { lr: h.lr, step: h.step, debias: h.debias }, new DataView(words.buffer), 0, 'optimizer hyperparameters');
  return words;
}

export function unpackHyper(words: Uint32Array): HyperValues {
  const v = unpackStruct(hyperLayout(), new DataView(words.buffer, words.byteOffset, hyperLayout().size));
  return { lr: v.lr![0]!, step: v.step![0]!, debias: [v.debias![0]!, v.debias![1]!] };
}

const advanceKernel = new Kernel({ name: 'optim/advance', source: [hyperSource, advanceSource] });

/** step += 1 and the bias corrections 1 − βᵗ advance; `decay` holds 1 − β (0: unused). */
export function advanceStep(hyper: Tensor, decay: readonly [number, number]): Tensor {
  return inPlaceUpdate(advanceKernel, { hyper }, { decay: [...decay] });
}
