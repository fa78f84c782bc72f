import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { square } from '../../src/kernels/elementwise/unary.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { Adam } from '../../src/optim/adam.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gpu, randomArray, relError } from '../setup.js';
import { adamRef, rmspropRef, sgdRef, type RefRule, type RefState } from './rules.js';

beforeAll(gpu);

interface Case {
  name: string;
  make: (params: Tensor[]) => Optimizer;
  ref: RefRule;
}

const CASES: Case[] = [
  { name: 'SGD', make: (ps) => new SGD(ps, { lr: 0.1 }), ref: sgdRef({ lr: 0.1 }) },
  {
    name: 'SGD momentum + weight decay',
    make: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.05 }),
    ref: sgdRef({ lr: 0.1, momentum: 0.9, weightDecay: 0.05 }),
  },
  {
    name: 'SGD Nesterov',
    make: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
    ref: sgdRef({ lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
  },
  { name: 'Adam', make: (ps) => new Adam(ps, { lr: 0.05, weightDecay: 0.1 }), ref: adamRef({ lr: 0.05, weightDecay: 0.1 }) },
  {
    name: 'AdamW',
    make: (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1, decoupled: true }),
    ref: adamRef({ lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1, decoupled: true }),
  },
  { name: 'RMSprop', make: (ps) => new RMSprop(ps, { lr: 0.01, weightDecay: 0.1 }), ref: rmspropRef({ lr: 0.01, weightDecay: 0.1 }) },
  {
    name: 'RMSprop momentum',
    make: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.7 }),
    ref: rmspropRef({ lr: 0.01, alpha: 0.9, momentum: 0.7 }),
  },
];

const SHAPES = [[7, 33], [5]];
const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const initial = () => SHAPES.map((s, i) => randomArray(numel(s), 10 + i));
const params = () => initial().map((d, i) => tensor(d, SHAPES[i]!).trainable());
const STEPS = 3;

describe('optimizers vs float64 PyTorch rules, 3 steps on [7,33] and [5]', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const ps = params();
      const opt = c.make(ps);
      const ref = initial().map((d) => Float64Array.from(d));
      const refState: RefState[] = ref.map(() => ({}));
      for (let t = 1; t <= STEPS; t++) {
        ps.forEach((p, i) => {
          const g = randomArray(p.numel, 100 * t + i);
          p.grad = tensor(g, [...p.shape]);
          c.ref(ref[i]!, Float64Array.from(g), refState[i]!, t);
        });
        opt.step();
        opt.zeroGrad();
      }
      const start = initial();
      for (let i = 0; i < ps.length; i++) {
        const out = await ps[i]!.data();
        // f32 arithmetic, a handful of roundings per step: params to 1e-5 relative, and the
        // change from the start (O(0.1)) to 1e-5 relative too, so a wrong update cannot hide.
        expect(relError(out, ref[i]!)).toBeLessThan(1e-5);
        const moved = Float64Array.from(out, (v, j) => v - start[i]![j]!);
        expect(relError(moved, ref[i]!.map((v, j) => v - start[i]![j]!))).toBeLessThan(1e-5);
      }
      expect(await opt.stepCount()).toBe(STEPS);
      opt.dispose();
    });
  }
});

/** L = Σ x₀ ⊙ w₀² + Σ x₁ ⊙ w₁²: gradients depend on the weights, so update order matters. */
function loss(ws: Tensor[], xs: Tensor[]): Tensor {
  return add(sumAll(mul(xs[0]!, square(ws[0]!))), sumAll(mul(xs[1]!, square(ws[1]!))));
}
const feeds = () => SHAPES.map((s, i) => randomArray(numel(s), 50 + i));

describe('optimizers inside compile()', () => {
  for (const c of CASES.filter((k) => ['SGD Nesterov', 'Adam', 'RMSprop momentum'].includes(k.name))) {
    it(`${c.name}: the compiled step gives the eager parameters over 3 steps`, async () => {
      const x = feeds();
      const eager = params();
      const eagerOpt = c.make(eager);
      for (let t = 0; t < STEPS; t++) {
        loss(eager, x.map((d, i) => tensor(d, SHAPES[i]!))).backward();
        eagerOpt.step();
        eagerOpt.zeroGrad();
      }
      const traced = params();
      const opt = c.make(traced);
      const step = await compile({ x0: { shape: SHAPES[0]! }, x1: { shape: SHAPES[1]! } }, ({ x0, x1 }) => {
        const l = loss(traced, [x0!, x1!]);
        l.backward();
        opt.step();
        return { loss: l };
      });
      for (let t = 0; t < STEPS; t++) await step.run({ x0: x[0]!, x1: x[1]! });
      for (let i = 0; i < traced.length; i++) {
        expect(Array.from(await traced[i]!.data())).toEqual(Array.from(await eager[i]!.data()));
      }
      expect(await opt.stepCount()).toBe(STEPS);
      step.dispose();
    });
  }

  it('a learning-rate change between compiled steps takes effect without recompiling', async () => {
    const [w] = params();
    const opt = new SGD([w!], { lr: 0.1 });
    const g = randomArray(w!.numel, 3);
    const step = await compile({ g: { shape: SHAPES[0]! } }, ({ g }) => {
      sumAll(mul(w!, g!)).backward(); // d/dw = g
      opt.step();
      return {};
    });
    const w0 = Array.from(await w!.data());
    await step.run({ g });
    opt.lr = 0.02;
    await step.run({ g });
    const expected = w0.map((v, i) => v - 0.1 * g[i]! - 0.02 * g[i]!);
    expect(relError(await w!.data(), expected)).toBeLessThan(1e-6);
    step.dispose();
  });
});

describe('optimizer state', () => {
  it('state() and loadState() carry moments, step count and lr into a fresh optimizer', async () => {
    const grads = [1, 2, 3].map((t) => SHAPES.map((s, i) => randomArray(numel(s), 200 + 10 * t + i)));
    const stepWith = (opt: Optimizer, ps: Tensor[], t: number) => {
      ps.forEach((p, i) => (p.grad = tensor(grads[t]![i]!, [...p.shape])));
      opt.step();
      opt.zeroGrad();
    };
    const a = params();
    const optA = new Adam(a, { lr: 0.05 });
    stepWith(optA, a, 0);
    stepWith(optA, a, 1);
    optA.lr = 0.03;
    const saved = Object.fromEntries(
      await Promise.all(Object.entries(optA.state()).map(async ([k, t]) => [k, (await t.data()) as Float32Array | Uint32Array] as const)),
    );
    expect(Object.keys(saved).sort()).toEqual(['0.exp_avg', '0.exp_avg_sq', '1.exp_avg', '1.exp_avg_sq', 'hyper']);

    const b = await Promise.all(a.map(async (p) => tensor(await p.data(), [...p.shape]).trainable()));
    const optB = new Adam(b, { lr: 0.05 });
    await optB.loadState(saved);
    expect(optB.lr).toBeCloseTo(0.03, 7);
    expect(await optB.stepCount()).toBe(2);
    stepWith(optA, a, 2);
    stepWith(optB, b, 2);
    for (let i = 0; i < a.length; i++) expect(Array.from(await b[i]!.data())).toEqual(Array.from(await a[i]!.data()));
    await expect(optB.loadState({ ...saved, extra: saved.hyper! })).rejects.toThrow(/unknown entry 'extra'/);
    await expect(optB.loadState({ ...saved, '0.exp_avg': new Float32Array(3) })).rejects.toThrow(/'0.exp_avg' has 12 bytes, expected 924/);
  });

  it('rejects bad hyperparameters, mismatched gradients and creation inside compile()', async () => {
    const [w] = params();
    expect(() => new SGD([w!], { nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
    expect(() => new SGD([w!], { lr: -1 })).toThrow(/lr = -1 must be a finite number >= 0/);
    expect(() => new Adam([w!], { betas: [0.9, 1] })).toThrow(/betas\[1\] = 1 must be in \[0, 1\)/);
    expect(() => new SGD([])).toThrow(/no parameters given/);
    expect(() => new SGD([w!, w!])).toThrow(/listed twice/);
    expect(() => new SGD([mul(w!, w!)])).toThrow(/is not a leaf tensor/);
    const opt = new SGD([w!]);
    w!.grad = tensor(randomArray(5, 1), [5]);
    expect(() => opt.step()).toThrow(/SGD: grad has shape \[5\] but the parameter .* has \[7,33\]/);
    expect(await opt.stepCount()).toBe(0); // nothing was half done
    await expect(compile({}, () => (new SGD([w!]), {}))).rejects.toThrow(/create the optimizer before compile\(\)/);
  });
});
