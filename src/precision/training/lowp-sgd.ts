// SGD with momentum on 16-bit master weights (Wang et al. 2018): there is no f32 copy; the
// weights and the momentum buffer live on the FP16 (1,6,9) grid (f32 tensors whose values are
// grid values) and every AXPY of the update is rounded stochastically onto it
// (src/kernels/precision/sgd-sr.ts). Rounding 'rne' is the ablation in which updates smaller
// than half an ulp of the weight are lost; the optimizer counts how often that happens.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { lowpSgdUpdate } from '../../kernels/precision/sgd-sr.js';
import { Optimizer, requireNonNegative } from '../../optim/optimizer.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { FP16_169, type FloatFormat } from '../format.js';

export interface LowpSGDOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  /**
   * The factor the loss was multiplied by before backward (a summed loss over a batch of B has
   * scale B). Gradients are divided by it inside the update, so lr and weightDecay keep their
   * mean-loss meaning.
   */
  lossScale?: number;
  /** Grid of weights and momentum: FP16 (1,6,9) (default) or binary16 for the ablation. */
  format?: FloatFormat;
  rounding?: 'sr' | 'rne';
  /** Philox seed of the stochastic rounding. */
  seed?: number;
}

/** Parameter i draws from Philox stream LOWP_SGD_STREAM_BASE + i of the seed, in every run alike. */
export const LOWP_SGD_STREAM_BASE = 0x5d000000;

export class LowpSGD extends Optimizer {
  /** u32 [2], summed over steps: updates round-to-nearest would discard, nonzero updates. */
  readonly counter: Tensor;
  private readonly settings: Required<Omit<LowpSGDOptions, 'lr'>>;

  constructor(params: readonly Tensor[], opts: LowpSGDOptions) {
    const { momentum = 0, weightDecay = 0, lossScale = 1, format = FP16_169, rounding = 'sr', seed = 0 } = opts;
    requireNonNegative('LowpSGD', 'momentum', momentum);
    requireNonNegative('LowpSGD', 'weightDecay', weightDecay);
    if (!(lossScale > 0 && Number.isFinite(lossScale))) fail(`LowpSGD: lossScale = ${lossScale} must be a finite number > 0`);
    if (rounding !== 'sr' && rounding !== 'rne') fail(`LowpSGD: rounding '${String(rounding)}' must be 'sr' or 'rne'`);
    if (format.bits > 16) fail(`LowpSGD: ${format.name} is not a 16-bit (or narrower) weight format`);
    super('LowpSGD', params, opts.lr, ['momentum_buffer']);
    this.settings = { momentum, weightDecay, lossScale, format, rounding, seed };
    this.counter = runtime().keep(tensor(new Uint32Array(2), [2], 'u32', 'LowpSGD/counter'));
  }

  protected update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor {
    const s = this.settings;
    return lowpSgdUpdate(param, grad, slots.momentum_buffer!, hyper, {
      gradScale: 1 / s.lossScale,
      momentum: s.momentum,
      weightDecay: s.weightDecay,
      format: s.format,
      rounding: s.rounding,
      seed: s.seed,
      stream: LOWP_SGD_STREAM_BASE + this.params.indexOf(param),
      counter: this.counter,
    });
  }

  /** Updates that round-to-nearest would lose, as counted since the last reset. */
  async lostUpdates(): Promise<{ lost: number; updates: number; fraction: number }> {
    const [lost, updates] = (await this.counter.data()) as Uint32Array;
    return { lost: lost!, updates: updates!, fraction: updates ? lost! / updates : 0 };
  }

  resetCounter(): void {
    runtime().write(this.counter.storage!.buffer, new Uint32Array(2));
  }

  override dispose(): void {
    super.dispose();
    this.counter.dispose();
  }
}
