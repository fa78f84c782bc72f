// A fully connected layer under a precision policy (Wang et al. 2018, spec §2):
//   'fp8':  y = round16(FP8(x) · FP8(W)ᵀ + b), chunked FP16 accumulation; the backward GEMMs
//           multiply the output gradient rounded to FP8 (RNE) — the paper's middle layers
//   'fp16': the same GEMMs on operands rounded onto the 16-bit grid — first and last layers
//   'fp32': plain f32 (the baseline)
//   'block-fp8': the FP8 GEMMs of current practice instead of the paper's (blockScaledMatmul:
//           E4M3 / E5M2 with per-block scales, 14-bit partial sums promoted to f32 every 128
//           products); everything around them as in 'fp8'
// W and b are master weights on the 16-bit grid (f32 tensors of grid values), updated by
// LowpSGD. Element-wise work (bias, ReLU) runs in f32 and its result is stored rounded onto the
// 16-bit grid (our choice; ReLU keeps grid values on the grid). In eval() mode the layer runs in
// f32 on the master weights, as the spec's reference evaluates test accuracy.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { add } from '../../kernels/elementwise/binary.js';
import { relu } from '../../kernels/elementwise/unary.js';
import { linear } from '../../kernels/gemm/linear.js';
import { blockScaledMatmul } from '../../kernels/precision/block-scaled-matmul.js';
import { lowpMatmul } from '../../kernels/precision/lowp-matmul.js';
import { encode, roundTo } from '../../kernels/precision/quantize.js';
import { Module } from '../../nn/module.js';
import { heNormal } from '../../nn/init.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { PAPER_ACCUMULATION, type Accumulation } from '../accumulate.js';
import { FP8_E5M2 } from '../format.js';

export type LayerPrecision = 'fp32' | 'fp16' | 'fp8' | 'block-fp8';
export const LAYER_PRECISIONS: readonly LayerPrecision[] = ['fp32', 'fp16', 'fp8', 'block-fp8'];

export interface LowpLinearOptions {
  precision: LayerPrecision;
  /** GEMM accumulation; its format is also the grid of the master weights and activations. */
  accumulation?: Accumulation;
  activation?: 'relu' | 'none';
  /** Seed of the He-normal initial weights. */
  seed: number;
}

export class LowpLinear extends Module {
  /** u32 [2] for 'fp8' layers: output-gradient values that underflowed in FP8, nonzero ones. */
  readonly underflowCounter: Tensor | null;

  private constructor(
    readonly weight: Tensor,
    readonly bias: Tensor,
    readonly precision: LayerPrecision,
    readonly accumulation: Accumulation,
    readonly activation: 'relu' | 'none',
  ) {
    super();
    this.underflowCounter = precision === 'fp8' ? runtime().keep(tensor(new Uint32Array(2), [2], 'u32', 'LowpLinear/underflow')) : null;
  }

  /** He-normal N(0, 2/in) weights rounded onto the 16-bit grid (RNE), zero bias. */
  static async create(inFeatures: number, outFeatures: number, opts: LowpLinearOptions): Promise<LowpLinear> {
    if (!LAYER_PRECISIONS.includes(opts.precision)) fail(`LowpLinear: precision '${String(opts.precision)}' is not one of ${LAYER_PRECISIONS.join(', ')}`);
    const accumulation = opts.accumulation ?? PAPER_ACCUMULATION;
    const drawn = heNormal([outFeatures, inFeatures], inFeatures, opts.seed);
    const rounded = roundTo(drawn, accumulation.format);
    const weight = tensor(await rounded.data(), [outFeatures, inFeatures], 'f32', 'LowpLinear/weight').trainable();
    drawn.dispose();
    rounded.dispose();
    const bias = tensor(new Float32Array(outFeatures), [outFeatures], 'f32', 'LowpLinear/bias').trainable();
    return new LowpLinear(runtime().keep(weight), runtime().keep(bias), opts.precision, accumulation, opts.activation ?? 'none');
  }

  override ownParameters(): Record<string, Tensor> {
    return { weight: this.weight, bias: this.bias };
  }

  override ownBuffers(): Record<string, Tensor> {
    return this.underflowCounter ? { underflow: this.underflowCounter } : {};
  }

  forward(x: Tensor): Tensor {
    if (this.precision === 'fp32' || !this.training) return linear(x, this.weight, this.bias, this.activation);
    const acc = this.accumulation;
    const y = this.gemm(x);
    const h = roundTo(add(y, this.bias), acc.format);
    return this.activation === 'relu' ? relu(h) : h;
  }

  private gemm(x: Tensor): Tensor {
    const acc = this.accumulation;
    if (this.precision === 'block-fp8') return blockScaledMatmul(x, this.weight, { transposeB: true });
    if (this.precision === 'fp8') {
      return lowpMatmul(encode(x, FP8_E5M2), encode(this.weight, FP8_E5M2), {
        transposeB: true,
        accumulation: acc,
        gradient: 'fp8',
        underflowCounter: this.underflowCounter!,
      });
    }
    return lowpMatmul(x, this.weight, { transposeB: true, accumulation: acc, gradient: 'accumulation' });
  }

  /** FP8 output-gradient values that underflowed, since the last reset ('fp8' layers). */
  async underflow(): Promise<{ underflows: number; nonzero: number; fraction: number }> {
    if (!this.underflowCounter) return { underflows: 0, nonzero: 0, fraction: 0 };
    const [underflows, nonzero] = (await this.underflowCounter.data()) as Uint32Array;
    return { underflows: underflows!, nonzero: nonzero!, fraction: nonzero ? underflows! / nonzero! : 0 };
  }

  resetCounter(): void {
    if (this.underflowCounter) runtime().write(this.underflowCounter.storage!.buffer, new Uint32Array(2));
  }
}
