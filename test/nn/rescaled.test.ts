// The rescaled residual block (N5's gradient check) and its pieces: the fused residual sum
// relu(alpha·x + beta·m·f), the rescaling rule, and the plain and BatchNorm blocks.
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/graph/autograd.js';
import { runtime } from '../../src/graph/runtime.js';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { residualMix } from '../../src/kernels/nn/residual-mix.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import {
  ResidualMlpBlock,
  batchNormResidualBlock,
  plainResidualBlock,
  rescaleCoefficients,
  rescaledResidualBlock,
} from '../../src/nn/layers/rescaled-residual.js';
import type { Module } from '../../src/nn/module.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

describe('residualMix: relu(alpha·x + beta·m·f)', () => {
  for (const n of [1, 7, 127 * 33, 70_001]) {
    it(`matches float64 forward and its gradients (n = ${n})`, async () => {
      const [alpha, beta, m] = [0.93, 0.31, -1.7];
      const xs = randomArray(n, 1);
      const fs = randomArray(n, 2, -2, 2);
      const gs = randomArray(n, 3);
      const x = tensor(xs, [n]).trainable();
      const f = tensor(fs, [n]).trainable();
      const mt = tensor([m], [1]).trainable();
      const y = residualMix(x, f, mt, { alpha, beta });
      sumAll(mul(y, tensor(gs, [n]))).backward();
      const pre = Float64Array.from(xs, (v, i) => alpha * v + beta * m * fs[i]!);
      const on = (i: number) => (pre[i]! > 0 ? 1 : 0);
      // One multiply-add per element: f32 within a few ulp (1e-6); d m sums n products (1e-5).
      expect(relError(await y.data(), pre.map((v) => Math.max(v, 0)))).toBeLessThan(1e-6);
      expect(relError(await x.grad!.data(), Float64Array.from(gs, (g, i) => alpha * g * on(i)))).toBeLessThan(1e-6);
      expect(relError(await f.grad!.data(), Float64Array.from(gs, (g, i) => beta * m * g * on(i)))).toBeLessThan(1e-6);
      const dm = beta * gs.reduce((s, g, i) => s + g * fs[i]! * on(i), 0);
      expect(relError(await mt.grad!.data(), [dm])).toBeLessThan(1e-5);
    });
  }

  it('gradients match finite differences', async () => {
    await gradcheck(([x, f, m]) => residualMix(x!, f!, m!, { alpha: 0.8, beta: 0.4 }), [
      { data: randomArray(5 * 7, 11), shape: [5, 7] },
      { data: randomArray(5 * 7, 12), shape: [5, 7] },
      { data: Float32Array.of(1.3), shape: [1] },
    ], { eps: 1e-3 });
  });

  it('rejects mismatched shapes and a non-scalar multiplier', () => {
    const x = tensor(randomArray(6, 1), [2, 3]);
    expect(() => residualMix(x, tensor(randomArray(6, 2), [3, 2]), tensor([1], [1]), { alpha: 1, beta: 1 })).toThrow(/same shape/);
    expect(() => residualMix(x, x, tensor([1, 1], [2]), { alpha: 1, beta: 1 })).toThrow(/multiplier m must be \[1\]/);
    expect(() => residualMix(x, x, tensor([1], [1]), { alpha: NaN, beta: 1 })).toThrow(/alpha = NaN/);
  });
});

describe('rescaling rule', () => {
  it('keeps the variance (alpha² + beta² = 1) and weighs every branch equally at the output', () => {
    const L = 37;
    const coeffs = Array.from({ length: L }, (_, i) => rescaleCoefficients(i + 1, L));
    for (const { alpha, beta } of coeffs) expect(alpha ** 2 + beta ** 2).toBeCloseTo(1, 12);
    // Weight of branch k in x_L: beta_k · prod_{i>k} alpha_i = 1/sqrt(L + c) for every k.
    coeffs.forEach(({ beta }, k) => {
      const w = coeffs.slice(k + 1).reduce((p, c) => p * c.alpha, beta);
      expect(w).toBeCloseTo(1 / Math.sqrt(2 * L), 12);
    });
    expect(coeffs.reduce((p, c) => p * c.alpha, 1)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(() => rescaleCoefficients(0, 5)).toThrow(/k = 0/);
  });

  it('builds the branch so that it weighs beta_k = 1/sqrt(k + L) at init', async () => {
    const [k, L, w] = [3, 10, 16];
    const block = rescaledResidualBlock(k, L, w, { seed: 4 });
    const std = async (t: Tensor) => {
      const d = await t.data();
      return Math.sqrt(Array.from(d).reduce((s, v) => s + v * v, 0) / d.length);
    };
    const s = (L / (k + L)) ** 0.25;
    // Sample std of 256 N(0, σ²) draws is within ~15% of σ.
    expect(await std(block.fc1.weight)).toBeCloseTo(Math.sqrt(2 / w) * s, 1);
    expect(block.branchScale * s * s).toBeCloseTo(1 / Math.sqrt(k + L), 12);
    expect(block.alpha).toBeCloseTo(Math.sqrt((k - 1 + L) / (k + L)), 12);
    expect(Object.keys(block.namedParameters()).sort()).toEqual(['center1.bias', 'center2.bias', 'fc1.weight', 'fc2.weight', 'multiplier']);
    block.dispose();
  });
});

/**
 * Central differences of L = Σ block(x) ⊙ R with respect to each named tensor (written in place
 * on the GPU), against autograd. f32 forward of a loss of size ~10: eps 1e-3 (small enough to
 * stay off ReLU kinks) keeps rounding near 1e-3 relative; bound 2e-2 as test/gradcheck.ts.
 */
async function moduleGradcheck(module: Module, x: Tensor, named: Record<string, Tensor>, samples = 8) {
  const rt = runtime();
  const out = module.forward(x);
  const weights = tensor(randomArray(out.numel, 77, 0.5, 1.5), [...out.shape]);
  const lossOf = () => sumAll(mul(module.forward(x), weights));
  sumAll(mul(out, weights)).backward();
  const eps = 1e-3;
  for (const [name, t] of Object.entries(named)) {
    const analytic = await t.grad!.data();
    const base = Float32Array.from(await t.data());
    const picks = t.numel <= samples ? [...Array(t.numel).keys()] : [...randomArray(samples, t.numel, 0, t.numel)].map(Math.floor);
    const num: number[] = [];
    const ana: number[] = [];
    for (const j of picks) {
      const at = async (delta: number) => {
        const v = Float32Array.from(base);
        v[j]! += delta;
        rt.write(t.storage!.buffer, v);
        return noGrad(lossOf).item();
      };
      num.push(((await at(eps)) - (await at(-eps))) / (2 * eps));
      ana.push(analytic[j]!);
    }
    rt.write(t.storage!.buffer, base);
    const diff = Math.hypot(...num.map((v, i) => v - ana[i]!));
    expect(diff / Math.max(Math.hypot(...num), 1e-6), `${name}: numeric ${num} vs analytic ${ana}`).toBeLessThan(2e-2);
  }
}

describe('residual MLP blocks: gradients match finite differences', () => {
  const [n, w] = [6, 7];
  const input = () => tensor(randomArray(n * w, 5, -0.5, 1.5), [n, w]).trainable();

  it('rescaled block, including m_k and both centering biases (the bias path)', async () => {
    const block = rescaledResidualBlock(2, 3, w, { seed: 9, centeringOptions: { t0: 2 } });
    // Two training batches set and freeze the centering means; then give m and p values away
    // from their init so every path carries gradient.
    for (const seed of [1, 2]) noGrad(() => block.forward(tensor(randomArray(n * w, seed, 0, 2), [n, w])));
    const rt = runtime();
    rt.write(block.multiplier.storage!.buffer, Float32Array.of(1.4));
    rt.write(block.center1!.bias.storage!.buffer, randomArray(w, 31, -0.3, 0.3));
    rt.write(block.center2!.bias.storage!.buffer, randomArray(w, 32, -0.3, 0.3));
    const frozen = Float32Array.from(await block.center1!.mean.data());
    expect(frozen.some((v) => v !== 0)).toBe(true);
    const x = input();
    await moduleGradcheck(block, x, { x, ...block.namedParameters() });
    expect([...(await block.center1!.mean.data())]).toEqual([...frozen]);
    block.dispose();
  });

  for (const [name, make] of [['plain', () => plainResidualBlock(w, 3)], ['BatchNorm', () => batchNormResidualBlock(w, 3)]] as const) {
    it(`${name} block`, async () => {
      const block: ResidualMlpBlock = make();
      const x = input();
      await moduleGradcheck(block, x, { x, ...block.namedParameters() });
      expect(block.multiplier.requiresGrad).toBe(false);
      block.dispose();
    });
  }
});
