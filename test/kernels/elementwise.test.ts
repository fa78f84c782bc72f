import { beforeAll, describe, expect, it } from 'vitest';
import * as bin from '../../src/kernels/elementwise/binary.js';
import * as un from '../../src/kernels/elementwise/unary.js';
import { sumAll } from '../../src/kernels/reduce/reduce.js';
import { fill } from '../../src/kernels/elementwise/fill.js';
import { tensor } from '../../src/tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// f32 elementwise ops are correctly rounded or within a few ulp: bound 1e-6 relative
// (transcendentals on lavapipe: 1e-5).
const F32_EXACT = 1e-6;
const F32_TRANSCENDENTAL = 1e-5;

function broadcastRef(a: Float32Array, as: number[], b: Float32Array, bs: number[], out: number[], f: (x: number, y: number) => number) {
  const n = out.reduce((p, d) => p * d, 1);
  const res = new Float64Array(n);
  const idx = (shape: number[], coord: number[]) => {
    let k = 0;
    const off = out.length - shape.length;
    shape.forEach((d, i) => (k = k * d + (d === 1 ? 0 : coord[i + off]!)));
    return k;
  };
  for (let i = 0; i < n; i++) {
    const coord: number[] = [];
    let r = i;
    for (let d = out.length - 1; d >= 0; d--) {
      coord[d] = r % out[d]!;
      r = Math.floor(r / out[d]!);
    }
    res[i] = f(a[idx(as, coord)]!, b[idx(bs, coord)]!);
  }
  return res;
}

// Every code of the binary table, with its float64 rule and whether a gradient flows.
const BINARY: [string, (a: any, b: any) => any, (x: number, y: number) => number, boolean][] = [
  ['add', bin.add, (x, y) => x + y, true],
  ['sub', bin.sub, (x, y) => x - y, true],
  ['mul', bin.mul, (x, y) => x * y, true],
  ['div', bin.div, (x, y) => x / y, true],
  ['maximum', bin.maximum, Math.max, true],
  ['minimum', bin.minimum, Math.min, true],
  // |a| keeps the base positive; the exponent b is in [0.5, 2).
  ['pow', (a, b) => bin.pow(un.abs(a), b), (x, y) => Math.abs(x) ** y, true],
  ['reluGrad', bin.reluGrad, (x, y) => (x > 0 ? y : 0), false],
  ['greater', bin.greater, (x, y) => (x > y ? 1 : 0), false],
  // Rounded inputs make ties, so equality is tested both ways.
  ['equal', (a, b) => bin.equal(un.mulScalar(un.greaterScalar(a, 0), 2), un.mulScalar(un.greaterScalar(b, 1), 2)), (x, y) => ((x > 0) === (y > 1) ? 1 : 0), false],
];

describe('binary ops with broadcasting (odd shapes)', () => {
  const cases: [number[], number[]][] = [
    [[7, 33], [33]],
    [[65, 1, 3], [1, 7, 3]],
    [[1], [127]],
    [[2, 3, 5, 7, 3], [3, 1, 7, 1]],
  ];
  it('covers every code of the binary table', () => {
    expect(BINARY.map(([name]) => name).sort()).toEqual([...bin.BINARY_OPS.names].sort());
  });

  for (const [name, op, f, differentiable] of BINARY) {
    it(`${name} matches float64 on ${cases.length} shape pairs`, async () => {
      for (const [as, bs] of cases) {
        const a = randomArray(as.reduce((p, d) => p * d, 1), 3);
        const b = randomArray(bs.reduce((p, d) => p * d, 1), 4, 0.5, 2);
        const outShape = as.length >= bs.length ? as.map((d, i) => Math.max(d, bs[i - (as.length - bs.length)] ?? 1)) : [];
        const t = op(tensor(a, as), tensor(b, bs));
        const ref = broadcastRef(a, as, b, bs, [...t.shape], f);
        if (outShape.length) expect([...t.shape]).toEqual(outShape);
        expect(relError(await t.data(), ref)).toBeLessThan(name === 'pow' ? F32_TRANSCENDENTAL : F32_EXACT);
      }
    });
    if (!differentiable) continue;
    it(`${name} gradient matches finite differences`, async () => {
      await gradcheck(([x, y]) => op(x, y), [
        { data: randomArray(7 * 5, 11), shape: [7, 5] },
        { data: randomArray(5, 12, 0.5, 2), shape: [5] },
      ], { eps: 1e-3 });
    });
  }

  it('rejects shapes that do not broadcast, naming both', () => {
    expect(() => bin.add(tensor(randomArray(6, 1), [2, 3]), tensor(randomArray(4, 1), [4]))).toThrow(/\[2,3\] and \[4\] do not broadcast/);
  });
});

// Every code of the unary table; sign and greaterScalar are piecewise constant (no gradient).
const UNARY: [string, (x: any) => any, (x: number) => number, number, [number, number]][] = [
  ['neg', un.neg, (x) => -x, F32_EXACT, [-2, 2]],
  ['exp', un.exp, Math.exp, F32_TRANSCENDENTAL, [-3, 3]],
  ['log', un.log, Math.log, F32_TRANSCENDENTAL, [0.1, 4]],
  ['sqrt', un.sqrt, Math.sqrt, F32_TRANSCENDENTAL, [0.1, 4]],
  ['abs', un.abs, Math.abs, F32_EXACT, [-2, 2]],
  ['relu', un.relu, (x) => Math.max(x, 0), F32_EXACT, [-2, 2]],
  ['tanh', un.tanh, Math.tanh, F32_TRANSCENDENTAL, [-3, 3]],
  ['sigmoid', un.sigmoid, (x) => 1 / (1 + Math.exp(-x)), F32_TRANSCENDENTAL, [-30, 30]],
  ['square', un.square, (x) => x * x, F32_EXACT, [-2, 2]],
  ['reciprocal', un.reciprocal, (x) => 1 / x, F32_EXACT, [0.5, 3]],
  ['addScalar', (x) => un.addScalar(x, 0.75), (x) => x + 0.75, F32_EXACT, [-2, 2]],
  ['mulScalar', (x) => un.mulScalar(x, -1.5), (x) => x * -1.5, F32_EXACT, [-2, 2]],
  ['powScalar', (x) => un.powScalar(x, 1.7), (x) => x ** 1.7, F32_TRANSCENDENTAL, [0.2, 3]],
  ['rsubScalar', (x) => un.rsubScalar(x, 2), (x) => 2 - x, F32_EXACT, [-2, 2]],
  ['sign', un.sign, Math.sign, F32_EXACT, [-2, 2]],
  ['greaterScalar', (x) => un.greaterScalar(x, 0.25), (x) => (x > 0.25 ? 1 : 0), F32_EXACT, [-2, 2]],
];
const FLAT = new Set(['sign', 'greaterScalar']);

describe('unary ops', () => {
  it('covers every code of the unary table', () => {
    expect(UNARY.map(([name]) => name).sort()).toEqual([...un.UNARY_OPS.names].sort());
  });

  for (const [name, op, f, tol, [lo, hi]] of UNARY) {
    it(`${name} matches float64 and finite differences`, async () => {
      const x = randomArray(1031, 5, lo, hi);
      const out = await op(tensor(x, [1031])).data();
      expect(relError(out, Array.from(x, f))).toBeLessThan(tol);
      if (FLAT.has(name)) {
        // No gradient flows through a step function.
        const leaf = tensor(randomArray(9, 6, lo, hi), [3, 3]).trainable();
        expect(op(leaf).requiresGrad).toBe(true);
        sumAll(op(leaf)).backward();
        expect(leaf.grad).toBeNull();
        return;
      }
      // Keep away from the kinks of relu/abs, where differences are not derivatives.
      const g = randomArray(9, 6, lo, hi).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
      await gradcheck(([t]) => op(t), [{ data: g, shape: [3, 3] }], { eps: 1e-3 });
    });
  }

  it('fill writes every element of a large grid (past 65535 workgroups)', async () => {
    const n = 65535 * 256 + 7;
    const out = await fill([n], 2.5).data();
    expect(out.length).toBe(n);
    expect(out.every((v) => v === 2.5)).toBe(true);
  });
});
