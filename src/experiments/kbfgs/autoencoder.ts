// The deep autoencoder of the K-BFGS paper's experiments at our scale (spec §8, §11): linear
// layers with PyTorch's default uniform init, ReLU hidden units, a linear code layer and linear
// output (logits), sigmoid cross-entropy summed over pixels and averaged over the batch; the
// inputs are the targets. As a KronProblem, so every method of src/optim trains the same model.
import { fail } from '../../device/errors.js';
import { SeededRng } from '../../data/rng.js';
import { compile, type CompiledStep } from '../../graph/compile.js';
import { noGrad } from '../../graph/autograd.js';
import { runtime } from '../../graph/runtime.js';
import { add, greater } from '../../kernels/elementwise/binary.js';
import { mulScalar, relu, sigmoid, square } from '../../kernels/elementwise/unary.js';
import { sigmoidBce } from '../../kernels/loss/pointwise.js';
import { sumAll } from '../../kernels/reduce/reduce.js';
import { randomUniform } from '../../kernels/rng/random.js';
import type { KronParams } from '../../kernels/linalg/kron.js';
import { capturedLinear, type ForwardTrace, type KronProblem } from '../../optim/second-order/problem.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Random streams reserved for K-FAC's sampled targets (far above the automatic ones). */
const SAMPLING_STREAMS = 0x9e000000;

/** Uniform(−1/√fanIn, 1/√fanIn) for weights and biases (torch.nn.Linear's default), seeded per layer. */
function pytorchLinear(inputs: number, outputs: number, seed: number, layer: number): KronParams {
  const rng = new SeededRng(seed, layer);
  const bound = 1 / Math.sqrt(inputs);
  const draw = (n: number) => Float32Array.from({ length: n }, () => (2 * rng.nextFloat() - 1) * bound);
  const rt = runtime();
  return {
    weight: rt.keep(tensor(draw(outputs * inputs), [outputs, inputs], 'f32', `ae/layer${layer}/weight`)).trainable(),
    bias: rt.keep(tensor(draw(outputs), [outputs], 'f32', `ae/layer${layer}/bias`)).trainable(),
  };
}

export class Autoencoder implements KronProblem {
  readonly layers: KronParams[];
  readonly feeds: KronProblem['feeds'];
  /** Layers followed by a ReLU: all but the code layer (the narrowest) and the output. */
  private readonly relu: boolean[];
  /** Sampled-target draws traced so far: each gets its own random stream (see sampledLoss). */
  private samplings = 0;

  /** widths e.g. [784, 256, 128, 32, 128, 256, 784]; the first and last must agree. */
  constructor(readonly widths: readonly number[], readonly batchSize: number, readonly seed: number) {
    if (widths.length < 3 || widths[0] !== widths.at(-1)) fail(`Autoencoder: widths [${widths.join(', ')}] must start and end with the input size`);
    this.layers = widths.slice(1).map((out, i) => pytorchLinear(widths[i]!, out, seed, i));
    const code = widths.indexOf(Math.min(...widths.slice(1, -1)), 1) - 1;
    this.relu = this.layers.map((_, i) => i !== code && i !== this.layers.length - 1);
    this.feeds = { x: { shape: [batchSize, widths[0]!] } };
  }

  get parameters(): Tensor[] {
    return this.layers.flatMap((l) => [l.weight, l.bias!]);
  }

  forward({ x }: Record<string, Tensor>): ForwardTrace {
    let h = x!;
    const captures = this.layers.map((layer, i) => {
      const c = capturedLinear(h, layer);
      h = this.relu[i] ? relu(c.preact) : c.preact;
      return c;
    });
    return { loss: this.bce(h, x!), output: h, captures };
  }

  /**
   * Targets ~ Bernoulli(sigmoid(z)), drawn afresh at every run of a compiled plan. The streams
   * are fixed per model (not taken from the process-wide counter), so a run's draws do not
   * depend on what ran before it in the process.
   */
  sampledLoss(z: Tensor): Tensor {
    const stream = SAMPLING_STREAMS + this.samplings++;
    const target = noGrad(() => greater(sigmoid(z), randomUniform(z.shape, { seed: this.seed, stream })));
    return this.bce(z, target);
  }

  private bce(logits: Tensor, target: Tensor): Tensor {
    return mulScalar(sigmoidBce(logits, target, 'sum'), 1 / logits.shape[0]!);
  }

  dispose(): void {
    for (const p of this.parameters) p.dispose();
  }
}

/**
 * The reported metric (spec §8): the loss over a whole data set (summed over pixels, mean over
 * examples) plus 0.5·τ·‖θ‖², from compiled forward passes.
 */
export class TrainingLoss {
  private constructor(
    private readonly batchLoss: CompiledStep,
    private readonly squaredNorm: CompiledStep,
    private readonly tau: number,
  ) {}

  static async create(model: Autoencoder, tau: number): Promise<TrainingLoss> {
    const batchLoss = await compile(model.feeds, (inputs) => ({ loss: model.forward(inputs).loss }));
    const squaredNorm = await compile({}, () => ({ sq: model.parameters.map((p) => sumAll(square(p))).reduce((a, b) => add(a, b)) }));
    return new TrainingLoss(batchLoss, squaredNorm, tau);
  }

  /** Mean over `batches` (equal sizes) of the batch losses, plus the L2 term. */
  async evaluate(batches: Iterable<Float32Array>): Promise<number> {
    let total = 0;
    let count = 0;
    for (const x of batches) {
      total += (await this.batchLoss.run({ x }, { read: ['loss'] })).loss![0]!;
      count++;
    }
    const sq = (await this.squaredNorm.run({}, { read: ['sq'] })).sq![0]!;
    return total / count + 0.5 * this.tau * sq;
  }

  dispose(): void {
    this.batchLoss.dispose();
    this.squaredNorm.dispose();
  }
}
