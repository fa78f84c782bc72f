// What second-order methods need from a model: its linear layers, a traced forward pass that
// exposes every layer's input and pre-activation, and (for K-FAC) a loss on sampled targets.
// The layers' inputs and pre-activations are ordinary values of the traced graph, and the
// pre-activation gradients come from retainGrad(): nothing is copied to capture them.
import { fail } from '../../device/errors.js';
import type { InputSpec } from '../../graph/compile.js';
import { linear } from '../../kernels/gemm/linear.js';
import type { KronParams } from '../../kernels/linalg/kron.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A linear layer's input [m, in] and pre-activation [m, out] in one traced pass. */
export interface LayerCapture {
  input: Tensor;
  /** retainGrad() is set, so after backward() its .grad is ∂(mean loss)/∂preact. */
  preact: Tensor;
}

export interface ForwardTrace {
  /** The loss as a mean over the batch (a scalar). */
  loss: Tensor;
  /** The network's output, for losses on sampled targets. */
  output: Tensor;
  /** One per layer, in the order of KronProblem.layers. */
  captures: LayerCapture[];
}

export interface KronProblem {
  /** The trainable linear layers, in forward order. */
  readonly layers: readonly KronParams[];
  /** The batch placeholders every compiled step takes (e.g. { x: { shape: [500, 784] } }). */
  readonly feeds: Record<string, InputSpec>;
  /** Traces one batch. Use capturedLinear() for each layer. */
  forward(inputs: Record<string, Tensor>): ForwardTrace;
  /**
   * The mean loss of the batch against targets drawn from the model's own predictive
   * distribution at `output` (K-FAC's true Fisher): Bernoulli(sigmoid(z)) for sigmoid
   * cross-entropy, N(z, 1) for squared error. Targets carry no gradient.
   */
  sampledLoss(output: Tensor): Tensor;
}

/** preact = x·wᵀ + b as its own graph node with retainGrad(); apply the activation after it. */
export function capturedLinear(x: Tensor, layer: KronParams): LayerCapture {
  const preact = linear(x, layer.weight, layer.bias ?? undefined).retainGrad();
  return { input: x, preact };
}

/** Checks a trace against the layers (shapes agree, one capture per layer, same batch). */
export function checkTrace(what: string, problem: KronProblem, trace: ForwardTrace): number {
  if (trace.captures.length !== problem.layers.length) {
    fail(`${what}: the forward pass captured ${trace.captures.length} layers but the problem lists ${problem.layers.length}`);
  }
  const m = trace.captures[0]?.input.shape[0];
  trace.captures.forEach(({ input, preact }, i) => {
    const [rows, inputs] = problem.layers[i]!.weight.shape as [number, number];
    if (input.rank !== 2 || input.shape[1] !== inputs || input.shape[0] !== m) {
      fail(`${what}: layer ${i} input ${fmt(input.shape)} should be [${m}, ${inputs}] (flatten it before the layer)`);
    }
    if (preact.rank !== 2 || preact.shape[1] !== rows || preact.shape[0] !== m) {
      fail(`${what}: layer ${i} pre-activation ${fmt(preact.shape)} should be [${m}, ${rows}]`);
    }
    if (!preact.retainsGrad) fail(`${what}: layer ${i}'s pre-activation does not retain its gradient; build it with capturedLinear()`);
  });
  if (trace.loss.numel !== 1) fail(`${what}: the loss ${fmt(trace.loss.shape)} must be a scalar (the mean over the batch)`);
  return m!;
}
