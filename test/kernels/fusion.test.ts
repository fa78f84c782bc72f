// Kernel fusion in a whole training step: the MLP 784-256-256-10, batch 128, SGD with
// momentum, compiled. The relu derivative is read by the backward GEMMs (no reluGrad
// dispatch), bias gradients are GEMMs with a ones vector through the same derivative, and the
// mean cross-entropy is one dispatch. The step must stay within 20 dispatches and still equal
// a float64 CPU step on the same parameters and batch.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { mnistMlp } from '../../src/nn/models.js';
import { SGD } from '../../src/optim/sgd.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

const [B, IN, HIDDEN, CLASSES] = [128, 784, 256, 10];
const [LR, MOMENTUM] = [0.05, 0.9];
// f32 against float64, as ‖out − ref‖ / ‖ref‖: the loss (a mean of log-sum-exps) and every
// gradient (GEMMs with K ≤ 784) within 1e-5; the updated parameters within 1e-6 (f32 rounding
// of the parameters, ~6e-8, plus lr times the gradients' error).
const F32_STEP = 1e-5;
const F32_PARAMS = 1e-6;

interface Layer {
  w: Float64Array; // [out, in]
  b: Float64Array; // [out]
  inF: number;
  outF: number;
  relu: boolean;
}

/**
 * One SGD-with-momentum step of the MLP in float64: updates layers and buffers, returns the
 * loss and the gradients (weight, bias per layer).
 */
function cpuStep(layers: Layer[], buffers: Float64Array[], x: Float32Array, labels: Uint32Array): { loss: number; grads: Float64Array[] } {
  // Forward: a[l + 1] = act(a[l]·wᵀ + b).
  const acts: Float64Array[] = [Float64Array.from(x)];
  for (const L of layers) {
    const h = acts.at(-1)!;
    const out = new Float64Array(B * L.outF);
    for (let r = 0; r < B; r++) {
      for (let o = 0; o < L.outF; o++) {
        let z = L.b[o]!;
        for (let k = 0; k < L.inF; k++) z += h[r * L.inF + k]! * L.w[o * L.inF + k]!;
        out[r * L.outF + o] = L.relu ? Math.max(z, 0) : z;
      }
    }
    acts.push(out);
  }
  // Mean cross-entropy and its gradient (softmax − onehot) / B.
  const logits = acts.at(-1)!;
  let loss = 0;
  let g: Float64Array = new Float64Array(B * CLASSES);
  for (let r = 0; r < B; r++) {
    const row = logits.subarray(r * CLASSES, (r + 1) * CLASSES);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += (lse - row[labels[r]!]!) / B;
    for (let j = 0; j < CLASSES; j++) g[r * CLASSES + j] = (Math.exp(row[j]! - lse) - (j === labels[r] ? 1 : 0)) / B;
  }
  // Backward, last layer first; then the update buf = μ·buf + grad, p −= lr·buf.
  const grads: Float64Array[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const h = acts[l]!;
    const y = acts[l + 1]!;
    if (L.relu) g = g.map((v, i) => (y[i]! > 0 ? v : 0));
    const dw = new Float64Array(L.outF * L.inF);
    const db = new Float64Array(L.outF);
    const dh = new Float64Array(B * L.inF);
    for (let r = 0; r < B; r++) {
      for (let o = 0; o < L.outF; o++) {
        const d = g[r * L.outF + o]!;
        if (d === 0) continue;
        db[o] += d;
        for (let k = 0; k < L.inF; k++) {
          dw[o * L.inF + k] += d * h[r * L.inF + k]!;
          dh[r * L.inF + k] += d * L.w[o * L.inF + k]!;
        }
      }
    }
    grads[2 * l] = dw;
    grads[2 * l + 1] = db;
    for (const [p, grad, buf] of [[L.w, dw, buffers[2 * l]!], [L.b, db, buffers[2 * l + 1]!]] as const) {
      for (let i = 0; i < p.length; i++) {
        buf[i] = MOMENTUM * buf[i]! + grad[i]!;
        p[i] -= LR * buf[i]!;
      }
    }
    g = dh;
  }
  return { loss, grads };
}

describe('fused MLP training step', () => {
  it('784-256-256-10, batch 128, SGD momentum: at most 20 dispatches, and equal to a float64 step', async () => {
    const model = mnistMlp(5, HIDDEN);
    const params = model.parameters();
    expect(params.map((p) => p.shape.join('x'))).toEqual(['256x784', '256', '256x256', '256', '10x256', '10']);
    const opt = new SGD(params, { lr: LR, momentum: MOMENTUM });
    const step = await compile({ x: { shape: [B, IN] }, y: { shape: [B], dtype: 'u32' } }, ({ x, y }) => {
      const loss = softmaxCrossEntropy(model.forward(x!), y!);
      loss.backward();
      const grads = Object.fromEntries(params.map((p, i) => [`g${i}`, p.grad!]));
      opt.step();
      return { loss, ...grads };
    });

    const kernels = step.plan.dispatches.map((d) => d.label);
    expect(step.dispatchCount, kernels.join('\n')).toBeLessThanOrEqual(20);
    // What fusion removed: the relu derivative, the loss's second pass.
    for (const gone of ['elementwise/binary', 'loss/sum']) expect(kernels.filter((k) => k.includes(gone))).toEqual([]);

    // The CPU model starts from the GPU's initial parameters.
    const initial = await Promise.all(params.map(async (p) => Float64Array.from((await p.data()) as Float32Array)));
    const layers: Layer[] = [0, 1, 2].map((l) => ({
      w: initial[2 * l]!,
      b: initial[2 * l + 1]!,
      inF: l === 0 ? IN : HIDDEN,
      outF: l === 2 ? CLASSES : HIDDEN,
      relu: l < 2,
    }));
    const buffers = initial.map((p) => new Float64Array(p.length));

    for (let s = 0; s < 2; s++) {
      const x = randomArray(B * IN, 100 + s, 0, 1);
      const labels = Uint32Array.from(randomArray(B, 200 + s, 0, CLASSES), Math.floor);
      const out = await step.run({ x, y: labels }, { read: ['loss', ...params.map((_, i) => `g${i}`)] });
      const ref = cpuStep(layers, buffers, x, labels);
      expect(relError(out.loss!, [ref.loss]), `step ${s} loss`).toBeLessThan(F32_STEP);
      const cpuParams = layers.flatMap((L) => [L.w, L.b]);
      for (let i = 0; i < params.length; i++) {
        expect(relError(out[`g${i}`]!, ref.grads[i]!), `step ${s} gradient ${i}`).toBeLessThan(F32_STEP);
        const after = await params[i]!.data();
        expect(relError(after, cpuParams[i]!), `step ${s} parameter ${i}`).toBeLessThan(F32_PARAMS);
        // Both models continue from the GPU's parameters, so the steps compare one at a time.
        cpuParams[i]!.set(after);
      }
    }
    step.dispose();
    opt.dispose();
    model.dispose();
  });
});
