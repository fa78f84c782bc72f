import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { cast } from '../../src/kernels/elementwise/cast.js';
import { chooseGemm, forceGemmVariant, GEMM_VARIANTS, gemmTarget, gemmVariantUnsupported, type Activation, type GemmShape, type GemmTarget, type GemmVariant } from '../../src/kernels/gemm/kernels.js';
import { linear } from '../../src/kernels/gemm/linear.js';
import { gemm, gemmThroughActivation, matmul } from '../../src/kernels/gemm/matmul.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../gradcheck.js';
import { gpu, randomArray, relError } from '../setup.js';
import type { TestContext } from 'vitest';

beforeAll(gpu);
afterEach(() => forceGemmVariant(null));

// f32 GEMM: ‖out − ref‖ / ‖ref‖ < 1e-5 against float64 for K up to 1024 (each output is one
// f32 dot product; the error grows like √K·2⁻²⁴ for random inputs).
const F32_GEMM = 1e-5;

interface Case {
  m: number;
  n: number;
  k: number;
  /** Absent: 2-D operands. */
  batch?: number;
  /** a (or b) is 2-D and shared by the batch. */
  broadcastA?: boolean;
  broadcastB?: boolean;
  tA?: boolean;
  tB?: boolean;
  bias?: boolean;
  act?: Activation;
}

const ACTS: Record<Activation, (v: number) => number> = {
  none: (v) => v,
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

function shapes(c: Case) {
  const lead = c.batch === undefined ? [] : [c.batch];
  return {
    a: [...(c.broadcastA ? [] : lead), ...(c.tA ? [c.k, c.m] : [c.m, c.k])],
    b: [...(c.broadcastB ? [] : lead), ...(c.tB ? [c.n, c.k] : [c.k, c.n])],
    out: [...lead, c.m, c.n],
  };
}

/** act(op(a)·op(b) + bias) in float64, read straight from the stored layouts. */
function reference(c: Case, a: ArrayLike<number>, b: ArrayLike<number>, bias: Float32Array | null): Float64Array {
  const { m, n, k } = c;
  const batch = c.batch ?? 1;
  const out = new Float64Array(batch * m * n);
  const act = ACTS[c.act ?? 'none'];
  for (let z = 0; z < batch; z++) {
    const a0 = c.broadcastA ? 0 : z * m * k;
    const b0 = c.broadcastB ? 0 : z * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = bias ? bias[j]! : 0;
        for (let p = 0; p < k; p++) {
          const av = a[a0 + (c.tA ? p * m + i : i * k + p)]!;
          const bv = b[b0 + (c.tB ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out[(z * m + i) * n + j] = act(acc);
      }
    }
  }
  return out;
}

/**
 * Runs the case on the GPU and returns its relative error against float64. With f16 operands
 * (cast on the GPU) the reference multiplies the same f16 values, read back through f32.
 */
async function gemmError(c: Case, seed = 1, operands: 'f32' | 'f16' = 'f32'): Promise<number> {
  const s = shapes(c);
  const a = randomArray(s.a.reduce((x, y) => x * y, 1), seed);
  const b = randomArray(s.b.reduce((x, y) => x * y, 1), seed + 1);
  const bias = c.bias ? randomArray(c.n, seed + 2) : null;
  const [ta, tb] = [tensor(a, s.a), tensor(b, s.b)].map((t) => (operands === 'f16' ? cast(t, 'f16') : t)) as [Tensor, Tensor];
  const out = gemm(
    ta,
    tb,
    { transposeA: !!c.tA, transposeB: !!c.tB, activation: c.act ?? 'none', caller: 'test' },
    bias ? tensor(bias, [c.n]) : undefined,
  );
  expect([...out.shape]).toEqual(s.out);
  const [ra, rb] = operands === 'f16' ? [await cast(ta, 'f32').data(), await cast(tb, 'f32').data()] : [a, b];
  return relError(await out.data(), reference(c, ra, rb, bias));
}

/** Forces `variant` (and `splits` K slices), or skips the test, printing why, where it cannot run. */
function forceOrSkip(ctx: TestContext, variant: GemmVariant, splits = 1): void {
  const reason = gemmVariantUnsupported(runtime().gpu, variant);
  if (reason) {
    console.log(`skipped: ${reason}`);
    ctx.skip();
  }
  forceGemmVariant(variant, splits);
}

async function expectAll(cases: Case[], operands: 'f32' | 'f16' = 'f32') {
  for (const c of cases) expect(await gemmError(c, 1, operands), JSON.stringify(c)).toBeLessThan(F32_GEMM);
}

const ODD = [1, 7, 33, 65, 127];
const TRANSPOSES = [
  { tA: false, tB: false },
  { tA: true, tB: false },
  { tA: false, tB: true },
  { tA: true, tB: true },
];

describe.each(GEMM_VARIANTS)('GEMM variant %s against float64', (variant) => {
  it('odd M, N, K in {1, 7, 33, 65, 127}, every transpose combination', async (ctx) => {
    forceOrSkip(ctx, variant);
    const cases: Case[] = [];
    for (const m of ODD) for (const n of ODD) for (const k of ODD) cases.push({ m, n, k, ...TRANSPOSES[cases.length % 4]! });
    await expectAll(cases);
  });

  it('K = 1024, and shapes aligned to 4 (the vec4 path), every transpose combination', async (ctx) => {
    forceOrSkip(ctx, variant);
    await expectAll(TRANSPOSES.flatMap((t) => [
      { m: 33, n: 65, k: 1024, ...t },
      { m: 68, n: 36, k: 132, ...t },
      { m: 4, n: 128, k: 8, ...t },
    ]));
  });

  it('batched, and with a or b shared by the batch', async (ctx) => {
    forceOrSkip(ctx, variant);
    await expectAll(TRANSPOSES.flatMap((t) => [
      { batch: 3, m: 33, n: 7, k: 65, ...t },
      { batch: 2, m: 20, n: 12, k: 8, ...t },
      { batch: 3, m: 7, n: 65, k: 33, broadcastB: true, ...t },
      { batch: 2, m: 12, n: 8, k: 20, broadcastB: true, ...t },
      { batch: 2, m: 65, n: 7, k: 33, broadcastA: true, ...t },
    ]));
  });

  // Each flag combination is a pipeline to compile (about a second each on lavapipe), so every
  // activation and both bias states appear once, on odd (scalar) and aligned (vec4) shapes.
  it('fused bias and activation epilogues', async (ctx) => {
    forceOrSkip(ctx, variant);
    await expectAll([
      { m: 65, n: 33, k: 7, tB: true, bias: true, act: 'none' },
      { m: 36, n: 68, k: 12, tB: true, bias: true, act: 'relu' },
      { m: 127, n: 7, k: 33, tB: true, act: 'tanh' },
      { m: 36, n: 68, k: 12, tB: true, bias: true, act: 'sigmoid' },
      { batch: 2, m: 7, n: 33, k: 65, broadcastB: true, tA: true, bias: true, act: 'tanh' },
    ]);
  });
});

// Backward GEMMs read the output gradient g through the activation's derivative, act'(y) from
// the activation's output y: relu 1[y > 0], tanh 1 − y², sigmoid y(1 − y).
const DERIVATIVES: Record<Activation, (y: number) => number> = {
  none: () => 1,
  relu: (y) => (y > 0 ? 1 : 0),
  tanh: (y) => 1 - y * y,
  sigmoid: (y) => y * (1 - y),
};

interface ThroughCase extends Case {
  through: Activation;
  operand: 'a' | 'b';
}

/** Runs gemmThroughActivation on the GPU; the float64 reference scales the operand first. */
async function throughError(c: ThroughCase, seed = 11): Promise<number> {
  const s = shapes(c);
  const a = randomArray(s.a.reduce((x, y) => x * y, 1), seed);
  const b = randomArray(s.b.reduce((x, y) => x * y, 1), seed + 1);
  const g = c.operand === 'a' ? a : b;
  // Outputs the activation can produce: half of relu's masked, sigmoid's in (0, 1).
  const y = randomArray(g.length, seed + 2, c.through === 'sigmoid' ? 0 : -1, 1);
  const scaled = Float64Array.from(g, (v, i) => v * DERIVATIVES[c.through](y[i]!));
  const out = gemmThroughActivation(tensor(a, s.a), tensor(b, s.b), tensor(y, c.operand === 'a' ? s.a : s.b), {
    transposeA: !!c.tA,
    transposeB: !!c.tB,
    activation: 'none',
    caller: 'test',
    through: { activation: c.through, operand: c.operand },
  });
  expect([...out.shape]).toEqual(s.out);
  const ref = c.operand === 'a' ? reference(c, scaled, b, null) : reference(c, a, scaled, null);
  return relError(await out.data(), ref);
}

describe.each(GEMM_VARIANTS)('GEMM variant %s reading an operand through an activation derivative', (variant) => {
  // Both operands, every activation, odd (scalar) and aligned (vec4) shapes, a batch with a
  // shared b, and the [N, 1] shape of a bias gradient (a column sum against a ones vector).
  it('matches float64 with the operand scaled first', async (ctx) => {
    forceOrSkip(ctx, variant);
    const cases: ThroughCase[] = [
      { m: 33, n: 7, k: 65, tB: true, through: 'relu', operand: 'a' },
      { batch: 2, m: 12, n: 8, k: 20, broadcastB: true, tA: true, through: 'relu', operand: 'a' },
      { m: 65, n: 33, k: 7, tA: true, tB: true, through: 'tanh', operand: 'b' },
      { m: 12, n: 36, k: 20, through: 'sigmoid', operand: 'b' },
      { m: 65, n: 1, k: 33, tA: true, through: 'relu', operand: 'a' },
    ];
    for (const c of cases) expect(await throughError(c), JSON.stringify(c)).toBeLessThan(F32_GEMM);
  });
});

// Split-K: every variant's first pass with K cut into slices (the z index), and the second pass
// adding them with the bias and activation. K = 1 … 1100 gives slices of 16 … 368 and a short
// last slice; the forced count is cut down where K has fewer than that many slices of 16.
describe.each(GEMM_VARIANTS)('split-K GEMM, variant %s, against float64', (variant) => {
  it('odd and aligned shapes, long K, every transpose combination, batched, bias and activation', async (ctx) => {
    forceOrSkip(ctx, variant, 3);
    await expectAll([
      ...TRANSPOSES.flatMap((t) => [
        { m: 7, n: 33, k: 1100, ...t },
        { m: 36, n: 20, k: 700, ...t },
        { m: 65, n: 1, k: 257, ...t },
        { m: 5, n: 3, k: 1, ...t },
      ]),
      { batch: 2, m: 33, n: 7, k: 65, tA: true },
      { batch: 3, m: 12, n: 8, k: 100, broadcastB: true, tB: true },
      { m: 33, n: 12, k: 200, tB: true, bias: true, act: 'relu' },
      { m: 20, n: 7, k: 99, bias: true, act: 'sigmoid' },
    ]);
  });

  it('reads an operand through an activation derivative (a bias gradient: N = 1, long K)', async (ctx) => {
    forceOrSkip(ctx, variant, 4);
    const cases: ThroughCase[] = [
      { m: 33, n: 1, k: 1000, tA: true, through: 'relu', operand: 'a' },
      { m: 20, n: 36, k: 300, through: 'tanh', operand: 'b' },
    ];
    for (const c of cases) expect(await throughError(c), JSON.stringify(c)).toBeLessThan(F32_GEMM);
  });
});

// f16 operands: products of f16 values are exact in f32 and the sums are f32, so the f32 bound
// holds against float64 on the same (f16-rounded) values.
describe.each(GEMM_VARIANTS)('f16 GEMM, variant %s, against float64', (variant) => {
  const forceF16 = (ctx: TestContext, splits = 1) => {
    if (!runtime().gpu.has('shader-f16')) {
      console.log(`skipped: f16 GEMMs need the adapter feature 'shader-f16', which ${runtime().gpu.adapter.description} lacks`);
      ctx.skip();
    }
    forceOrSkip(ctx, variant, splits);
  };

  it('odd shapes, every transpose combination, batched, bias and activation', async (ctx) => {
    forceF16(ctx);
    await expectAll([
      ...TRANSPOSES.flatMap((t) => [{ m: 33, n: 7, k: 65, ...t }, { m: 1, n: 5, k: 3, ...t }]),
      { batch: 2, m: 7, n: 33, k: 20, broadcastB: true, tB: true, bias: true, act: 'relu' },
    ], 'f16');
  });

  // Each flag combination is a pipeline (blocked's take seconds each to compile on lavapipe).
  it('shapes aligned to 4 (vec4<f16> loads), every transpose combination, batched, bias, split-K', async (ctx) => {
    forceF16(ctx);
    await expectAll([
      ...TRANSPOSES.map((t) => ({ m: 68, n: 36, k: 132, ...t })),
      { batch: 3, m: 12, n: 8, k: 9, tA: true, bias: true },
    ], 'f16');
    forceGemmVariant(variant, 3);
    await expectAll([{ m: 20, n: 12, k: 700, tA: true }, { m: 7, n: 9, k: 500, tB: true, bias: true, act: 'tanh' }], 'f16');
  }, 300_000); // seven blocked pipelines took 94 s to compile with the 2 cores shared 20 ways
});

describe('GEMM variant choice', () => {
  const gpuTarget: GemmTarget = { software: false, subgroups: false };
  const cpuTarget: GemmTarget = { software: true, subgroups: false };
  const choose = (s: Partial<GemmShape>, target = gpuTarget) => chooseGemm({ batch: 1, m: 1, n: 1, k: 1, ...s }, target);

  it('reads a CPU adapter from isFallbackAdapter or the software architecture, subgroups from the features', () => {
    const none = new Set<string>();
    expect(gemmTarget({ isFallbackAdapter: true, architecture: '' }, none)).toEqual(cpuTarget);
    expect(gemmTarget({ isFallbackAdapter: false, architecture: 'software' }, new Set(['subgroups']))).toEqual({ software: true, subgroups: true });
    expect(gemmTarget({ isFallbackAdapter: false, architecture: 'hopper' }, new Set(['shader-f16']))).toEqual(gpuTarget);
  });

  it('on a GPU: naive for tiny outputs, small tiles for few or mostly empty big tiles, big tiles otherwise', () => {
    expect(choose({ m: 1, n: 10, k: 784 }).variant).toBe('naive');
    expect(choose({ m: 128, n: 10, k: 256 }).variant).toBe('small');
    expect(choose({ m: 32, n: 32, k: 1024 }).variant).toBe('small');
    expect(choose({ m: 128, n: 128, k: 128 }).variant).toBe('tiled');
    expect(choose({ m: 784, n: 256, k: 128 }).variant).toBe('tiled');
    expect(choose({ batch: 8, m: 64, n: 64, k: 64 }).variant).toBe('tiled');
    expect(choose({ m: 512, n: 512, k: 512 }, { software: false, subgroups: true }).variant).toBe('tiled');
    // Matrix-vector products (a bias gradient: N = 1) keep one thread per output busy.
    expect(choose({ m: 256, n: 1, k: 128 }).variant).toBe('naive');
    expect(choose({ m: 1, n: 1024, k: 512 }).variant).toBe('naive');
  });

  it('on a CPU adapter: subgroup shuffles where N fills their 256-column blocks, else register blocks', () => {
    const withSubgroups = { software: true, subgroups: true };
    expect(choose({ m: 512, n: 512, k: 512 }, cpuTarget)).toEqual({ variant: 'blocked', splits: 1 });
    expect(choose({ m: 512, n: 512, k: 512 }, withSubgroups)).toEqual({ variant: 'subgroup', splits: 1 });
    expect(choose({ m: 128, n: 784, k: 256 }, withSubgroups).variant).toBe('blocked');
    expect(choose({ m: 128, n: 10, k: 784 }, withSubgroups).variant).toBe('blocked');
    expect(choose({ m: 256, n: 1, k: 128 }, withSubgroups).variant).toBe('naive');
  });

  it('splits a long K only when the output leaves the adapter idle', () => {
    // A convolution's weight gradient: 64×288 output, K = batch·H·W.
    expect(choose({ m: 64, n: 288, k: 32768 }, gpuTarget).splits).toBeGreaterThan(1);
    expect(choose({ m: 64, n: 288, k: 32768 }, cpuTarget).splits).toBeGreaterThan(1);
    // Its bias gradient, a column sum against a ones vector.
    expect(choose({ m: 64, n: 1, k: 32768 }, cpuTarget).splits).toBeGreaterThan(1);
    expect(choose({ m: 4096, n: 4096, k: 4096 }, gpuTarget).splits).toBe(1);
    expect(choose({ m: 1024, n: 1024, k: 1024 }, cpuTarget).splits).toBe(1);
    // Short K: no slice would be long enough to pay for the second pass.
    expect(choose({ m: 64, n: 64, k: 300 }, gpuTarget).splits).toBe(1);
  });

  it('obeys the test-only override', () => {
    forceGemmVariant('naive');
    expect(choose({ m: 512, n: 512, k: 512 })).toEqual({ variant: 'naive', splits: 1 });
    forceGemmVariant('tiled', 3);
    expect(choose({ m: 512, n: 512, k: 512 }, cpuTarget)).toEqual({ variant: 'tiled', splits: 3 });
    expect(() => forceGemmVariant('fast' as never)).toThrow(/unknown variant 'fast'/);
    expect(() => forceGemmVariant('tiled', 0)).toThrow(/splits 0 must be a positive integer/);
  });
});

describe('GEMM gradients', () => {
  const arg = (shape: number[], seed: number) => ({ data: randomArray(shape.reduce((x, y) => x * y, 1), seed), shape });

  it('matmul, every transpose combination', async () => {
    for (const { tA, tB } of TRANSPOSES) {
      await gradcheck(([a, b]) => matmul(a!, b!, { transposeA: tA, transposeB: tB }), [
        arg(tA ? [5, 3] : [3, 5], 1),
        arg(tB ? [4, 5] : [5, 4], 2),
      ], { eps: 1e-2 });
    }
  });

  it('batched matmul, and a or b shared by the batch', async () => {
    for (const { tA, tB } of TRANSPOSES) {
      await gradcheck(([a, b]) => matmul(a!, b!, { transposeA: tA, transposeB: tB }), [
        arg(tA ? [2, 5, 3] : [2, 3, 5], 3),
        arg(tB ? [2, 4, 5] : [2, 5, 4], 4),
      ]);
      await gradcheck(([a, b]) => matmul(a!, b!, { transposeA: tA, transposeB: tB }), [
        arg(tA ? [3, 5, 3] : [3, 3, 5], 5),
        arg(tB ? [4, 5] : [5, 4], 6),
      ]);
      await gradcheck(([a, b]) => matmul(a!, b!, { transposeA: tA, transposeB: tB }), [
        arg(tA ? [5, 3] : [3, 5], 7),
        arg(tB ? [2, 4, 5] : [2, 5, 4], 8),
      ]);
    }
  });

  it('linear with bias and every activation', async () => {
    for (const act of Object.keys(ACTS) as Activation[]) {
      await gradcheck(([x, w, b]) => linear(x!, w!, b!, act), [arg([4, 6], 7), arg([3, 6], 8), arg([3], 9)], {
        eps: act === 'relu' ? 1e-3 : 1e-2,
      });
    }
    await gradcheck(([x, w]) => linear(x!, w!), [arg([2, 5, 6], 10), arg([3, 6], 11)]);
    // [B, T, in] input: the weight and bias gradients sum over the stacked B·T rows.
    await gradcheck(([x, w, b]) => linear(x!, w!, b!, 'relu'), [arg([2, 5, 6], 12), arg([3, 6], 13), arg([3], 14)], { eps: 1e-3 });
  });

  // The activation's derivative reaches whichever operand the gradient is, in every layout.
  it('gemm with an activation, every transpose combination, batched and with b shared', async () => {
    for (const { tA, tB } of TRANSPOSES) {
      const fn = (act: Activation) => ([a, b]: Tensor[]) => gemm(a!, b!, { transposeA: tA, transposeB: tB, activation: act, caller: 'test' });
      await gradcheck(fn('tanh'), [arg(tA ? [5, 3] : [3, 5], 15), arg(tB ? [4, 5] : [5, 4], 16)]);
      await gradcheck(fn('sigmoid'), [arg(tA ? [2, 5, 3] : [2, 3, 5], 17), arg(tB ? [4, 5] : [5, 4], 18)]);
    }
  });
});

describe('linear backward through an activation', () => {
  // y = relu(x·wᵀ + bias), seeded with a random output gradient r: dz = r ⊙ 1[y > 0],
  // dx = dz·w, dw = dzᵀ·x, dbias = Σ_rows dz, in float64.
  function referenceGrads(x: Float32Array, w: Float32Array, bias: Float32Array, r: Float32Array, rows: number, inF: number, outF: number) {
    const dz = new Float64Array(rows * outF);
    for (let i = 0; i < rows; i++) {
      for (let o = 0; o < outF; o++) {
        let z = bias[o]!;
        for (let k = 0; k < inF; k++) z += x[i * inF + k]! * w[o * inF + k]!;
        dz[i * outF + o] = z > 0 ? r[i * outF + o]! : 0;
      }
    }
    const dx = new Float64Array(rows * inF);
    const dw = new Float64Array(outF * inF);
    const db = new Float64Array(outF);
    for (let i = 0; i < rows; i++) {
      for (let o = 0; o < outF; o++) {
        const d = dz[i * outF + o]!;
        db[o] += d;
        for (let k = 0; k < inF; k++) {
          dx[i * inF + k] += d * w[o * inF + k]!;
          dw[o * inF + k] += d * x[i * inF + k]!;
        }
      }
    }
    return { dx, dw, db };
  }

  // Up to 2047 rows the GEMMs read the gradient through relu (no dispatch of its own; the bias
  // gradient is a GEMM with a ones vector); from 2048 rows and few columns it is materialised
  // once so reduce sums the long bias columns in two passes. Both must give the same gradients.
  for (const rows of [37, 2049]) {
    it(`matches float64 for ${rows} rows, ${rows < 2048 ? 'fused into the GEMMs' : 'materialised for the bias sum'}`, async () => {
      const [inF, outF] = [9, 5];
      const x = randomArray(rows * inF, 21);
      const w = randomArray(outF * inF, 22);
      const bias = randomArray(outF, 23, -0.5, 0.5);
      const r = randomArray(rows * outF, 24, 0.5, 1.5);
      const wt = tensor(w, [outF, inF]).trainable();
      const bt = tensor(bias, [outF]).trainable();
      const step = await compile({ x: { shape: [rows, inF] }, r: { shape: [rows, outF] } }, ({ x: xt, r: rt }) => {
        const xs = xt!;
        const y = gemm(xs, wt, { transposeA: false, transposeB: true, activation: 'relu', caller: 'test' }, bt);
        y.backward(rt!);
        return { dw: wt.grad!, db: bt.grad! };
      });
      const kernels = step.plan.dispatches.map((d) => d.label);
      expect(kernels.some((l) => l.includes('elementwise/binary'))).toBe(rows >= 2048);
      const out = await step.run({ x, r }, { read: ['dw', 'db'] });
      const ref = referenceGrads(x, w, bias, r, rows, inF, outF);
      expect(relError(out.dw!, ref.dw)).toBeLessThan(F32_GEMM);
      expect(relError(out.db!, ref.db)).toBeLessThan(F32_GEMM);
      step.dispose();
      // The input gradient, eagerly (the trainable bias keeps the same path).
      const xt = tensor(x, [rows, inF]).trainable();
      linear(xt, tensor(w, [outF, inF]), tensor(bias, [outF]).trainable(), 'relu').backward(tensor(r, [rows, outF]));
      expect(relError(await xt.grad!.data(), ref.dx)).toBeLessThan(F32_GEMM);
    });
  }
});

describe('linear', () => {
  it('is one dispatch in a compiled forward pass and matches float64', async () => {
    const w = randomArray(10 * 33, 2);
    const bias = randomArray(10, 3);
    const x = randomArray(7 * 33, 4);
    const step = await compile({ x: { shape: [7, 33] } }, ({ x }) => ({ y: linear(x!, tensor(w, [10, 33]), tensor(bias, [10]), 'sigmoid') }));
    expect(step.dispatchCount).toBe(1);
    const { y } = await step.run({ x }, { read: ['y'] });
    const ref = reference({ m: 7, n: 10, k: 33, tB: true, bias: true, act: 'sigmoid' }, x, w, bias);
    expect(relError(y!, ref)).toBeLessThan(F32_GEMM);
    step.dispose();
  });
});

describe('GEMM errors name the shapes', () => {
  const t = (shape: number[], dtype: 'f32' | 'i32' = 'f32') => tensor(new Array(shape.reduce((x, y) => x * y, 1)).fill(1), shape, dtype);

  it('rejects mismatched inner dimensions, batches and bias', () => {
    expect(() => matmul(t([2, 3]), t([4, 5]))).toThrow(/matmul: inner dimensions differ: a \[2,3\] has K=3 but b \[4,5\] has K=4/);
    expect(() => matmul(t([2, 3]), t([4, 3]), { transposeA: true })).toThrow(/aᵀ \[2,3\] has K=2 but b \[4,3\] has K=4/);
    expect(() => matmul(t([2, 3, 4]), t([3, 4, 5]))).toThrow(/batch sizes differ: a \[2,3,4\] vs b \[3,4,5\]/);
    expect(() => matmul(t([4]), t([4, 5]))).toThrow(/a \[4\] must be 2-D/);
    expect(() => linear(t([2, 6]), t([3, 5]))).toThrow(/linear: x \[2,6\] has 6 input features but w \[3,5\] \(\[out, in\]\) expects 5/);
    expect(() => linear(t([2, 6]), t([3, 6]), t([4]))).toThrow(/linear: bias \[4\] must be \[3\]/);
  });

  it('rejects mixed f16 and f32 operands, and f16 operands that need a gradient', async () => {
    if (!runtime().gpu.has('shader-f16')) return;
    const h = cast(t([2, 3]), 'f16');
    expect(() => matmul(h, t([3, 5]))).toThrow(/matmul: .* mix f16 and f32; cast both to f16 or both to f32/);
    expect(() => matmul(h, cast(t([3, 5]).trainable(), 'f16'))).toThrow(/matmul: f16 operands .* have no gradient here; train in f32/);
  });

  it('rejects non-f32 operands', () => {
    expect(() => matmul(t([2, 3], 'i32'), t([3, 5]))).toThrow(/matmul: .*i32\[2,3\].*has dtype i32; this op takes f32/);
    expect(() => linear(t([2, 3]), t([5, 3], 'i32'))).toThrow(/linear: .*i32\[5,3\].*has dtype i32/);
  });
});
