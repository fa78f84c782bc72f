import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { relu, tanh } from '../../src/kernels/elementwise/unary.js';
import { sum, sumAll } from '../../src/kernels/reduce/reduce.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

beforeAll(gpu);

describe('compiled plan', () => {
  it('gives the same values and gradients as eager execution, with shared subexpressions', async () => {
    const w = tensor(randomArray(33, 1), [33]).trainable();
    const b = tensor(randomArray(1, 2), [1]).trainable();
    const model = (x: any) => {
      const h = tanh(add(mul(x, w), b)); // h feeds two consumers
      return sumAll(add(relu(h), mul(h, h)));
    };
    const xData = randomArray(7 * 33, 3);
    const loss = model(tensor(xData, [7, 33]));
    loss.backward();
    const eager = { loss: await loss.item(), gw: await w.grad!.data(), gb: await b.grad!.data() };
    w.grad = null;
    b.grad = null;

    const step = await compile({ x: { shape: [7, 33] } }, ({ x }) => {
      const l = model(x!);
      l.backward();
      return { loss: l, gw: w.grad!, gb: b.grad! };
    });
    expect(w.grad).toBeNull();
    for (let rep = 0; rep < 2; rep++) {
      const out = await step.run({ x: xData }, { read: ['loss', 'gw', 'gb'] });
      expect(out.loss![0]).toBeCloseTo(eager.loss, 4);
      expect([...out.gw!]).toEqual([...eager.gw].map((v) => expect.closeTo(v, 5)));
      expect(out.gb![0]).toBeCloseTo(eager.gb[0]!, 4);
    }
    step.dispose();
  });

  it('reuses intermediate buffers by liveness', async () => {
    const step = await compile({ x: { shape: [65, 33] } }, ({ x }) => {
      let h = x!;
      for (let i = 0; i < 20; i++) h = tanh(h);
      return { y: sum(h, 1) };
    });
    // 20 chained values need 2 buffers (ping-pong), plus the input, the output and uniforms.
    expect(step.plan.bufferCount).toBeLessThanOrEqual(5);
    const out = await step.run({ x: randomArray(65 * 33, 9) }, { read: ['y'] });
    expect(out.y!.length).toBe(65);
    expect(out.y!.every(Number.isFinite)).toBe(true);
    step.dispose();
  });

  // Eager execution drops an output's inputs when no gradient needs them; scheduling such a value
  // again lowered its op with no inputs (a crash in Plan.ref). It is bound as it is instead.
  it('binds an eagerly computed value captured by the traced function as an input, not an op to run', async () => {
    const w = tensor(randomArray(37, 4), [37]);
    const xData = randomArray(37, 5);
    const eagerTanh = tanh(w);
    const eagerHalf = runtime().gpu.has('shader-f16') ? cast(w, 'f16') : null;
    if (!eagerHalf) console.log("compiled plan: the f16 capture is skipped, the adapter lacks 'shader-f16'");
    const step = await compile({ x: { shape: [37] } }, ({ x }) => ({
      y: mul(x!, eagerTanh),
      ...(eagerHalf ? { h: mul(x!, cast(eagerHalf, 'f32')) } : {}),
    }));
    expect(step.plan.order).not.toContain(eagerTanh);
    expect(step.plan.order).not.toContain(eagerHalf);
    const out = await step.run({ x: xData }, { read: eagerHalf ? ['y', 'h'] : ['y'] });
    const tanhValues = await eagerTanh.data();
    expect([...out.y!]).toEqual([...xData].map((v, i) => expect.closeTo(v * tanhValues[i]!, 5)));
    if (eagerHalf) {
      const halfValues = await cast(eagerHalf, 'f32').data();
      expect([...out.h!]).toEqual([...xData].map((v, i) => expect.closeTo(v * halfValues[i]!, 5)));
    }
    step.dispose();
  });

  it('differentiates through a captured eager value that requires grad, without recomputing it', async () => {
    const w = tensor(randomArray(19, 6), [19]).trainable();
    const xData = randomArray(19, 7);
    const h = tanh(w); // keeps its inputs: backward needs w
    const step = await compile({ x: { shape: [19] } }, ({ x }) => {
      const loss = sumAll(mul(x!, h));
      loss.backward();
      return { gw: w.grad! };
    });
    expect(step.plan.order).not.toContain(h);
    const { gw } = await step.run({ x: xData }, { read: ['gw'] });
    const hValues = await h.data();
    // d/dw sum(x * tanh(w)) = x * (1 - tanh(w)^2)
    expect([...gw!]).toEqual([...xData].map((v, i) => expect.closeTo(v * (1 - hValues[i]! ** 2), 5)));
    step.dispose();
  });
});
