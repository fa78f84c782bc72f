// Kernels of the CTLD sampler (shaders/optim/ctld.wgsl): the tempering-variable step and the
// per-parameter Langevin step, as effect ops like the optimizers' updates.
import philox from '../../../shaders/rng/philox.wgsl';
import source from '../../../shaders/optim/ctld.wgsl';
import type { Tensor } from '../../tensor/tensor.js';
import { wgslConstants } from '../../device/codes.js';
import { Kernel } from '../../device/kernel.js';
import { hyperSource } from './hyper.js';
import { checkPerElement, inPlaceUpdate } from './update.js';

/** Word offsets of the tempering state; the shader gets them as T_ALPHA ... T_HEADER. */
export const TEMPER = { alpha: 0, velocity: 1, g: 2, steps: 3, cold: 4, hot: 5, energy: 6, header: 8 } as const;

const sources = [wgslConstants('T', TEMPER), hyperSource, philox, source];
const temperKernel = new Kernel({ name: 'optim/ctld-temper', source: sources, entry: 'temper_step' });
const langevinKernel = new Kernel({ name: 'optim/ctld-langevin', source: sources, entry: 'langevin' });

/** Words of a tempering state with `bins` ABF bins: the header, then (mean, visits) per bin. */
export function temperWords(bins: number): number {
  return TEMPER.header + 2 * bins;
}

/** The tempering variable's constants (spec §2, §5, §7). */
export interface TemperHyper {
  /** N, the training-set size: U~ = N · mean minibatch loss. */
  dataSize: number;
  gMin: number;
  delta1: number;
  delta2: number;
  alphaMax: number;
  /** k_w of the walls beyond ±alphaMax. */
  wall: number;
  /** η_α and a_α. */
  eta: number;
  friction: number;
  temperature: number;
  bins: number;
  /** Steps whose α is recorded in the trace buffer (at most its length). */
  traceLength: number;
  /** Subtract the running bin means (adaptive biasing force). */
  abf: boolean;
  seed: number;
  stream: number;
  /** Independent samplers sharing the buffers (one state block, loss value and trace row each). */
  chains: number;
}

/**
 * One step of every chain's α from its minibatch mean loss `loss` [chains]; chain c writes α_t to
 * trace[c · traceLength + t] while t < traceLength.
 */
export function temperUpdate(state: Tensor, loss: Tensor, trace: Tensor, h: TemperHyper): Tensor {
  return inPlaceUpdate(
    temperKernel,
    { temper: state, loss, trace },
    {
      n_data: h.dataSize,
      g_min: h.gMin,
      delta1: h.delta1,
      delta2: h.delta2,
      alpha_max: h.alphaMax,
      wall: h.wall,
      eta: h.eta,
      friction: h.friction,
      t0: h.temperature,
      bins: h.bins,
      trace_len: Math.min(h.traceLength, Math.floor(trace.numel / h.chains)),
      seed: h.seed,
      stream: h.stream,
      chains: h.chains,
      words: temperWords(h.bins),
    },
    { ABF: h.abf ? 1 : 0 },
    h.chains,
  );
}

export interface LangevinHyper {
  /** a: 1 − momentum; 1 gives SGLD. */
  friction: number;
  weightDecay: number;
  temperature: number;
  dataSize: number;
  seed: number;
  stream: number;
  /** Chains sharing the parameter (each owns an equal consecutive slice) and words of one chain's tempering state. */
  chains: number;
  words: number;
}

/** One Langevin step of `param` and its `velocity`, with g(α) of each element's chain read from the tempering `state`. */
export function langevinUpdate(param: Tensor, grad: Tensor, velocity: Tensor, hyper: Tensor, state: Tensor, h: LangevinHyper): Tensor {
  checkPerElement(langevinKernel.name, param, { grad, velocity });
  return inPlaceUpdate(
    langevinKernel,
    { param, grad, velocity, hyper, temper_in: state },
    {
      n: param.numel,
      friction: h.friction,
      weight_decay: h.weightDecay,
      noise_scale: (2 * h.friction * h.temperature) / h.dataSize,
      seed: h.seed,
      stream: h.stream,
      per_chain: param.numel / h.chains,
      words: h.words,
    },
    {},
    // One thread per four elements (one Philox call each).
    Math.ceil(param.numel / 4),
  );
}
