// SGD, Adam and RMSprop keep parameters, gradients and state in flat buffers per group and update
// a group with one dispatch (src/optim/flat-group.ts). Checked here: the compiled MLP step's
// dispatch count, the fused update against the per-parameter float64 rules on odd sizes (compiled,
// where the plan computes gradients straight into the flat buffer, and eager, where they are
// copied there), the per-parameter fallback when some gradients are missing, and checkpoints.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { square } from '../../src/kernels/elementwise/unary.js';
import { softmaxCrossEntropy } from '../../src/kernels/loss/cross-entropy.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { decodeCheckpoint, encodeCheckpoint, restoreInto } from '../../src/nn/checkpoint.js';
import { mnistCnn, mnistMlp } from '../../src/nn/models.js';
import { Adam } from '../../src/optim/adam.js';
import { partition } from '../../src/optim/flat-group.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gpu, randomArray, relError } from '../setup.js';
import { adamRef, rmspropRef, sgdRef, type RefRule, type RefState } from './rules.js';

beforeAll(gpu);

describe('the compiled MLP step (784-256-256-10, batch 128)', () => {
  const optimizers: [string, (ps: Tensor[]) => Optimizer, string][] = [
    ['SGD momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }), 'optim/sgd-momentum'],
    ['Adam', (ps) => new Adam(ps, { lr: 1e-3 }), 'optim/adam'],
    ['RMSprop', (ps) => new RMSprop(ps, { lr: 1e-3 }), 'optim/rmsprop'],
  ];
  for (const [name, make, kernel] of optimizers) {
    it(`${name}: at most 15 dispatches, one of them the update, gradients computed in place`, async () => {
      const model = mnistMlp(1);
      const opt = make(model.parameters());
      const step = await compile({ x: { shape: [128, 1, 28, 28] }, y: { shape: [128], dtype: 'u32' } }, ({ x, y }) => {
        const loss = softmaxCrossEntropy(model.forward(x!), y!);
        loss.backward();
        opt.step();
        return { loss };
      });
      const labels = step.plan.dispatches.map((d) => d.label);
      expect(step.dispatchCount, labels.join('\n')).toBeLessThanOrEqual(15);
      expect(labels.filter((l) => l.includes(`via kernel ${kernel}`))).toHaveLength(1);
      expect(labels.filter((l) => l.includes('optim/pack'))).toEqual([]);
      const { loss } = await step.run(
        { x: randomArray(128 * 784, 1, 0, 1), y: Uint32Array.from(randomArray(128, 2, 0, 10), Math.floor) },
        { read: ['loss'] },
      );
      expect(Number.isFinite(loss![0])).toBe(true);
      step.dispose();
      opt.dispose();
      model.dispose();
    });
  }
});

// Odd sizes: regions padded to 256 bytes, a one-element parameter, one over a workgroup.
const SHAPES = [[3, 5], [7], [1], [33, 65], [130]];
const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const initial = () => SHAPES.map((s, i) => randomArray(numel(s), 30 + i));
const makeParams = () => initial().map((d, i) => tensor(d, SHAPES[i]!).trainable());
const STEPS = 4;

/** L = Σᵢ Σ xᵢ ⊙ wᵢ²: the gradient 2 xᵢ ⊙ wᵢ depends on the weights, so every step differs. */
function loss(ws: readonly Tensor[], xs: readonly Tensor[]): Tensor {
  return ws.map((w, i) => sumAll(mul(xs[i]!, square(w)))).reduce((a, b) => add(a, b));
}
const feedsAt = (t: number) => SHAPES.map((s, i) => randomArray(numel(s), 100 * t + i));

const CASES: { name: string; make: (ps: Tensor[]) => Optimizer; ref: RefRule }[] = [
  {
    name: 'SGD Nesterov + weight decay',
    make: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.05 }),
    ref: sgdRef({ lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.05 }),
  },
  { name: 'Adam + L2', make: (ps) => new Adam(ps, { lr: 0.05, weightDecay: 0.1 }), ref: adamRef({ lr: 0.05, weightDecay: 0.1 }) },
  {
    name: 'AdamW',
    make: (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1, decoupled: true }),
    ref: adamRef({ lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1, decoupled: true }),
  },
  {
    name: 'RMSprop momentum',
    make: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.7, weightDecay: 0.02 }),
    ref: rmspropRef({ lr: 0.01, alpha: 0.9, momentum: 0.7, weightDecay: 0.02 }),
  },
];

/** The float64 run: per parameter, the gradient of loss() then the rule, STEPS times. */
function reference(rule: RefRule, stepped: (i: number) => boolean): Float64Array[] {
  const ws = initial().map((d) => Float64Array.from(d));
  const states: RefState[] = ws.map(() => ({}));
  for (let t = 1; t <= STEPS; t++) {
    const xs = feedsAt(t);
    ws.forEach((w, i) => {
      if (stepped(i)) rule(w, Float64Array.from(w, (v, j) => 2 * xs[i]![j]! * v), states[i]!, t);
    });
  }
  return ws;
}

async function expectParams(ps: readonly Tensor[], ref: readonly Float64Array[]): Promise<void> {
  const start = initial();
  for (let i = 0; i < ps.length; i++) {
    const out = await ps[i]!.data();
    expect(relError(out, ref[i]!), `parameter ${i}`).toBeLessThan(1e-5);
    // The change from the start too, so a wrong or missing update cannot hide in the weights.
    const moved = Float64Array.from(out, (v, j) => v - start[i]![j]!);
    expect(relError(moved, ref[i]!.map((v, j) => v - start[i]![j]!)), `parameter ${i} moved`).toBeLessThan(1e-4);
  }
}

describe('one fused update per group equals the per-parameter float64 rules', () => {
  for (const c of CASES) {
    it(`${c.name}: compiled (one update dispatch) and eager, ${STEPS} steps on ${SHAPES.length} odd-sized parameters`, async () => {
      const ref = reference(c.ref, () => true);
      const traced = makeParams();
      const opt = c.make(traced);
      const inputs = Object.fromEntries(SHAPES.map((s, i) => [`x${i}`, { shape: s }]));
      const step = await compile(inputs, (xs) => {
        loss(traced, SHAPES.map((_, i) => xs[`x${i}`]!)).backward();
        opt.step();
        return {};
      });
      const updates = step.plan.dispatches.filter((d) => /via kernel optim\/(sgd|adam|rmsprop)/.test(d.label));
      expect(updates).toHaveLength(1);
      expect(step.plan.dispatches.filter((d) => d.label.includes('optim/pack'))).toEqual([]);
      for (let t = 1; t <= STEPS; t++) await step.run(Object.fromEntries(feedsAt(t).map((x, i) => [`x${i}`, x])));
      await expectParams(traced, ref);
      step.dispose();
      opt.dispose();

      const eager = makeParams();
      const eagerOpt = c.make(eager);
      for (let t = 1; t <= STEPS; t++) {
        runtime().tidy(() => loss(eager, feedsAt(t).map((x, i) => tensor(x, SHAPES[i]!))).backward());
        eagerOpt.step();
        eagerOpt.zeroGrad();
      }
      await expectParams(eager, ref);
      expect(await eagerOpt.stepCount()).toBe(STEPS);
      eagerOpt.dispose();
    });
  }

  it('parameters without a gradient are left alone; the others follow the rule (per-parameter fallback)', async () => {
    const c = CASES[1]!;
    const ref = reference(c.ref, (i) => i !== 2);
    const ps = makeParams();
    const opt = c.make(ps);
    const withGrad = ps.filter((_, i) => i !== 2);
    for (let t = 1; t <= STEPS; t++) {
      const xs = feedsAt(t).map((x, i) => tensor(x, SHAPES[i]!));
      runtime().tidy(() => loss(withGrad, xs.filter((_, i) => i !== 2)).backward());
      opt.step();
      opt.zeroGrad();
    }
    await expectParams(ps, ref);
    opt.dispose();
  });
});

describe('a CNN step (convolution gradients through split-K) computed into the flat buffer', () => {
  it('gives the eager parameters (gradients copied there) over 2 steps of SGD momentum', async () => {
    const B = 8;
    const x = randomArray(B * 784, 61, 0, 1);
    const y = Uint32Array.from(randomArray(B, 62, 0, 10), Math.floor);
    const run = async (compiled: boolean) => {
      const model = mnistCnn(3);
      const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 0.01 });
      const lossOf = (xs: Tensor, ys: Tensor) => softmaxCrossEntropy(model.forward(xs), ys);
      if (compiled) {
        const step = await compile({ x: { shape: [B, 1, 28, 28] }, y: { shape: [B], dtype: 'u32' } }, (f) => {
          lossOf(f.x!, f.y!).backward();
          opt.step();
          return {};
        });
        expect(step.plan.dispatches.filter((d) => d.label.includes('optim/pack'))).toEqual([]);
        for (let s = 0; s < 2; s++) await step.run({ x, y });
        step.dispose();
      } else {
        for (let s = 0; s < 2; s++) {
          runtime().tidy(() => lossOf(tensor(x, [B, 1, 28, 28]), tensor(y, [B], 'u32')).backward());
          opt.step();
          opt.zeroGrad();
        }
      }
      const values = await Promise.all(model.parameters().map((p) => p.data()));
      opt.dispose();
      model.dispose();
      return values;
    };
    const [plan, eager] = [await run(true), await run(false)];
    plan.forEach((v, i) => expect(relError(v, eager[i]!), `parameter ${i}`).toBeLessThan(1e-6));
  });
});

describe('flat parameter groups', () => {
  it('split where a group would pass the binding limit, each region 256-byte aligned', () => {
    const ps = [[10], [64], [100], [1]].map((s) => tensor(new Float32Array(numel(s)), s));
    // Regions of 256, 256, 512 and 256 bytes.
    expect(partition(ps, 1024).map((g) => g.map((p) => p.numel))).toEqual([[10, 64, 100], [1]]);
    expect(partition(ps, 512).map((g) => g.map((p) => p.numel))).toEqual([[10, 64], [100], [1]]);
    for (const p of ps) p.dispose();
  });

  it('a second optimizer over the same list shares the buffer; a step compiled before a move rebuilds its plan', async () => {
    const ps = makeParams();
    const first = new SGD(ps, { lr: 0.1 });
    const buffer = ps[0]!.storage!.buffer;
    const before = await Promise.all(ps.map((p) => p.data()));
    const second = new Adam(ps, { lr: 0.1 });
    expect(ps.every((p) => p.storage!.buffer === buffer)).toBe(true);
    const step = await compile({}, () => ({ l: sumAll(square(ps[0]!)) }));
    const sumOfSquares = async () => Array.from(await ps[0]!.data()).reduce((a, v) => a + v * v, 0);
    expect(relError((await step.run({}, { read: ['l'] })).l!, [await sumOfSquares()])).toBeLessThan(1e-6);
    const plan = step.plan;

    // An optimizer over another list moves ps[0] into a new buffer, keeping its values...
    const third = new SGD([ps[0]!, ps[1]!], { lr: 0.1 });
    expect(ps[0]!.storage!.buffer).not.toBe(buffer);
    expect(Array.from(await ps[0]!.data())).toEqual(Array.from(before[0]!));
    // ... and then changes them there: the step reads them where they are now.
    ps[0]!.grad = tensor(randomArray(ps[0]!.numel, 9), [...ps[0]!.shape]);
    third.step();
    third.zeroGrad();
    expect(Array.from(await ps[0]!.data())).not.toEqual(Array.from(before[0]!));
    expect(relError((await step.run({}, { read: ['l'] })).l!, [await sumOfSquares()])).toBeLessThan(1e-6);
    expect(step.plan).not.toBe(plan);
    step.dispose();
    for (const o of [first, second, third]) o.dispose();
  });
});

describe('checkpoints of fused optimizers', () => {
  it('hold the same entries as per-parameter state and resume bit for bit', async () => {
    const gradsAt = (t: number) => SHAPES.map((s, i) => randomArray(numel(s), 500 + 10 * t + i));
    const stepWith = (opt: Optimizer, ps: Tensor[], t: number) => {
      ps.forEach((p, i) => (p.grad = tensor(gradsAt(t)[i]!, [...p.shape])));
      opt.step();
      opt.zeroGrad();
    };
    const a = makeParams();
    const optA = new Adam(a, { lr: 0.05 });
    stepWith(optA, a, 0);
    stepWith(optA, a, 1);
    const tensors = { ...Object.fromEntries(a.map((p, i) => [`w${i}`, p])), ...Object.fromEntries(Object.entries(optA.state()).map(([k, t]) => [`optim.${k}`, t])) };
    const loaded = decodeCheckpoint(await encodeCheckpoint({ tensors }), 'memory');
    // Per parameter, its moments shaped like it: the layout of per-parameter state.
    SHAPES.forEach((s, i) => {
      expect(loaded.arrays[`optim.${i}.exp_avg`]!.shape).toEqual(s);
      expect(loaded.arrays[`optim.${i}.exp_avg_sq`]!.shape).toEqual(s);
    });
    expect(Object.keys(loaded.arrays)).toHaveLength(3 * SHAPES.length + 1);

    const b = makeParams();
    const optB = new Adam(b, { lr: 0.05 });
    const into = { ...Object.fromEntries(b.map((p, i) => [`w${i}`, p])), ...Object.fromEntries(Object.entries(optB.state()).map(([k, t]) => [`optim.${k}`, t])) };
    restoreInto(into, loaded);
    for (let i = 0; i < a.length; i++) expect(Array.from(await b[i]!.data())).toEqual(Array.from(await a[i]!.data()));
    expect(await optB.stepCount()).toBe(2);
    stepWith(optA, a, 2);
    stepWith(optB, b, 2);
    for (let i = 0; i < a.length; i++) expect(Array.from(await b[i]!.data())).toEqual(Array.from(await a[i]!.data()));
    optA.dispose();
    optB.dispose();
  });
});
