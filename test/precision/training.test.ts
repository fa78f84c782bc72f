// The training path: the 16-bit SGD update against its CPU reference, loss scaling, and the
// precision-policy layer against the GEMM reference.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '../../src/graph/runtime.js';
import { mul } from '../../src/kernels/elementwise/binary.js';
import { scaleGradient } from '../../src/kernels/precision/scale-gradient.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { philox4x32 } from '../../src/kernels/rng/philox.js';
import { PAPER_ACCUMULATION } from '../../src/precision/accumulate.js';
import { axpyStep, type AxpyHyper } from '../../src/precision/axpy-reference.js';
import { FP16_169, FP8_E5M2, ulp } from '../../src/precision/format.js';
import { chunkedGemm } from '../../src/precision/gemm-reference.js';
import { blockScaledGemm } from '../../src/precision/block-scaled.js';
import { FP8_E4M3 } from '../../src/precision/format.js';
import { roundToGrid } from '../../src/precision/round.js';
import { LowpLinear } from '../../src/precision/training/lowp-linear.js';
import { LOWP_SGD_STREAM_BASE, LowpSGD } from '../../src/precision/training/lowp-sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

describe('LowpSGD: the AXPY chain on FP16 (1,6,9) master weights', () => {
  for (const rounding of ['sr', 'rne'] as const) {
    it(`${rounding}: three steps match the CPU reference fed the same Philox words`, async () => {
      const n = 1031;
      const seed = 17;
      const w0 = Float32Array.from(randomArray(n, 1, -1, 1), (x) => roundToGrid(x, FP16_169, 'rne'));
      const grads = [2, 3, 4].map((s) => randomArray(n, s, -5, 5));
      const w = tensor(w0, [n]).trainable();
      const opt = new LowpSGD([w], { lr: 0.03, momentum: 0.9, weightDecay: 1e-3, lossScale: 100, rounding, seed });
      const h: AxpyHyper = { lr: 0.03, gradScale: 1 / 100, momentum: 0.9, weightDecay: 1e-3, format: FP16_169, rounding };
      let wRef = w0.slice();
      let vRef = new Float32Array(n);
      let lostRef = 0;
      let updatesRef = 0;
      let mismatches = 0;
      for (let t = 0; t < 3; t++) {
        w.grad = tensor(grads[t]!, [n]);
        opt.step();
        // The GPU's step counter is t + 1 when the update runs (it advances first).
        const words = (line: number, i: number) => philox4x32([seed, LOWP_SGD_STREAM_BASE], [Math.floor(i / 4), t + 1, line, 0])[i % 4]!;
        const counts = axpyStep(wRef, grads[t]!, vRef, h, words);
        lostRef += counts.lost;
        updatesRef += counts.updates;
        const wGpu = (await w.data()) as Float32Array;
        const vGpu = (await opt.state()['0.momentum_buffer']!.data()) as Float32Array;
        // A driver may fuse a line's multiply-add (one f32 rounding instead of two); that can
        // move a result by one grid step, rarely. Lavapipe does not; allow 1% all the same.
        for (let i = 0; i < n; i++) {
          for (const [gpuV, refV] of [[wGpu[i]!, wRef[i]!], [vGpu[i]!, vRef[i]!]] as const) {
            if (gpuV !== refV) {
              mismatches++;
              expect(Math.abs(gpuV - refV)).toBeLessThanOrEqual(ulp(FP16_169, refV));
            }
          }
        }
        wRef = wGpu.slice();
        vRef = vGpu.slice();
        w.grad.dispose();
        w.grad = null;
      }
      expect(mismatches).toBeLessThanOrEqual(0.01 * 6 * n);
      // Every value stays on the grid.
      expect(wRef.every((x) => roundToGrid(x, FP16_169, 'trunc') === x)).toBe(true);
      const { lost, updates } = await opt.lostUpdates();
      expect(updates).toBe(updatesRef);
      expect(Math.abs(lost - lostRef)).toBeLessThanOrEqual(mismatches);
      expect(lost).toBeGreaterThan(0);
      opt.resetCounter();
      expect((await opt.lostUpdates()).updates).toBe(0);
      opt.dispose();
    });
  }

  it('names bad settings', () => {
    const w = tensor(randomArray(3, 1), [3]).trainable();
    expect(() => new LowpSGD([w], { lr: 0.1, lossScale: 0 })).toThrow(/lossScale = 0 must be/);
    expect(() => new LowpSGD([w], { lr: 0.1, rounding: 'trunc' as 'sr' })).toThrow(/rounding 'trunc'/);
  });
});

describe('loss scaling and the precision-policy layer', () => {
  it('scaleGradient is the identity forward and multiplies the gradient by the scale', async () => {
    const xv = randomArray(7, 3);
    const x = tensor(xv, [7]).trainable();
    const y = scaleGradient(x, 100);
    expect([...(await y.data())]).toEqual([...xv]);
    sumAll(mul(y, tensor(randomArray(7, 4), [7]))).backward();
    const g = await x.grad!.data();
    randomArray(7, 4).forEach((r, i) => expect(g[i]).toBeCloseTo(100 * r, 3));
    expect(() => scaleGradient(x, -1)).toThrow(/must be a finite number > 0/);
  });

  it('an fp8 layer is round16(chunked GEMM of FP8 copies + bias), counts gradient underflow, and evaluates in f32', async () => {
    const [B, I, O] = [9, 70, 13];
    const layer = await LowpLinear.create(I, O, { precision: 'fp8', seed: 3, activation: 'relu' });
    const wv = (await layer.weight.data()) as Float32Array;
    expect(wv.every((x) => roundToGrid(x, FP16_169, 'rne') === x)).toBe(true);
    runtime().write(layer.bias.storage!.buffer, randomArray(O, 8, -0.5, 0.5));
    const bv = randomArray(O, 8, -0.5, 0.5);
    const xv = randomArray(B * I, 5, 0, 2);
    const y = layer.forward(tensor(xv, [B, I]));
    const gemm = chunkedGemm({ M: B, N: O, K: I }, { values: xv, format: FP8_E5M2, transposed: false }, { values: wv, format: FP8_E5M2, transposed: true }, PAPER_ACCUMULATION);
    const ref = Array.from(gemm, (v, i) => Math.max(0, roundToGrid(Math.fround(v + bv[i % O]!), FP16_169, 'rne')));
    expect([...(await y.data())]).toEqual(ref);
    // Tiny output gradients underflow in FP8 (below 2^-17 they round to zero).
    const scale = Float32Array.from(randomArray(B * O, 6, -1, 1), (v, i) => (i % 2 ? v : v * 1e-7));
    sumAll(mul(y, tensor(scale, [B, O]))).backward();
    const u = await layer.underflow();
    expect(u.nonzero).toBeGreaterThan(0);
    expect(u.underflows).toBeGreaterThan(0);
    expect(u.underflows).toBeLessThan(u.nonzero);
    layer.eval();
    const yEval = await layer.forward(tensor(xv, [B, I])).data();
    const exact = Array.from({ length: B * O }, (_, i) => {
      let s = bv[i % O]!;
      for (let k = 0; k < I; k++) s += xv[Math.floor(i / O) * I + k]! * wv[(i % O) * I + k]!;
      return Math.max(0, s);
    });
    yEval.forEach((v, i) => expect(v).toBeCloseTo(exact[i]!, 4));
    layer.dispose();
  });

  it('a block-fp8 layer is round16(block-scaled GEMM + bias): E4M3 copies, f32 promotion, gradients flow to the master weights', async () => {
    const [B, I, O] = [9, 150, 13];
    const layer = await LowpLinear.create(I, O, { precision: 'block-fp8', seed: 4, activation: 'none' });
    const wv = (await layer.weight.data()) as Float32Array;
    const xv = randomArray(B * I, 7, -1, 2);
    const y = layer.forward(tensor(xv, [B, I]));
    const gemm = blockScaledGemm({ M: B, N: O, K: I }, { values: xv, format: FP8_E4M3, transposed: false }, { values: wv, format: FP8_E4M3, transposed: true }, true);
    expect([...(await y.data())]).toEqual(Array.from(gemm, (v) => roundToGrid(v, FP16_169, 'rne')));
    sumAll(y).backward();
    const dw = (await layer.weight.grad!.data()) as Float32Array;
    // d sum(y) / dW[o, i] = sum over the batch of x[b, i]: E4M3 copies of x, exact within FP8's 2^-4 relative step.
    for (let i = 0; i < I; i++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += xv[b * I + i]!;
      for (let o = 0; o < O; o++) expect(Math.abs(dw[o * I + i]! - s)).toBeLessThanOrEqual(0.07 * B * 2);
    }
    expect(layer.underflowCounter).toBeNull();
    layer.dispose();
  });
});
