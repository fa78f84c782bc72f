// BFGS inverse update, double damping and L-BFGS on the GPU against float64 references: the
// spec's unit tests (i) DD post-conditions, (ii) the secant condition H⁺y = s, (iii) L-BFGS with
// enough memory equals dense BFGS started from γI.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '../../src/graph/runtime.js';
import { bfgsUpdate, doubleDamp } from '../../src/kernels/linalg/bfgs.js';
import { forceGemmVariant, GEMM_VARIANTS, gemmVariantUnsupported } from '../../src/kernels/gemm/kernels.js';
import { LbfgsMemory, lbfgsAppend, lbfgsApply } from '../../src/kernels/linalg/lbfgs.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';
import { bfgsRef, dot, doubleDampRef, factorRef, identity, matmul, matvec, twoLoopRef } from './reference.js';

beforeAll(gpu);

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

/** A well-conditioned SPD matrix I/2 + XᵀX/(2n), X [2n, n]. */
function spd(n: number, seed: number): Float64Array {
  const g = factorRef(new Float32Array(n * n), randomArray(2 * n * n, seed), 2 * n, n, false, 0, 1, 1 / (2 * n));
  return g.map((v, i) => v + (i % (n + 1) === 0 ? 0.5 : 0));
}

/** A pair with sᵀy > 0: y = B·s for an SPD B (values rounded to f32, as the GPU sees them). */
function pair(n: number, seed: number) {
  const s = f32(randomArray(n, seed));
  const y = f32(matvec(spd(n, seed + 1), s));
  return { s, y };
}

const diag = () => tensor(new Uint32Array(4), [4], 'u32');

describe('bfgsUpdate', () => {
  for (const n of [1, 7, 33, 100]) {
    it(`n = ${n}: equals the float64 product form and satisfies H⁺y = s`, async () => {
      const h0 = f32(spd(n, n));
      const { s, y } = pair(n, 3 * n);
      const h = tensor(h0, [n, n]);
      const d = diag();
      bfgsUpdate(h, tensor(s, [n]), tensor(y, [n]), tensor(randomArray(n, 9), [n]), d);
      const out = (await h.data()) as Float32Array;
      // f32 expanded form vs float64 product form: < 1e-5 relative (measured ~1e-7).
      expect(relError(out, bfgsRef(Float64Array.from(h0), s, y))).toBeLessThan(1e-5);
      // Secant condition (ii), to 1e-5 relative.
      expect(relError(matvec(Float64Array.from(out), y), s)).toBeLessThan(1e-5);
      expect([...((await d.data()) as Uint32Array)]).toEqual([1, 0, 0, 0]);
    });
  }

  it('skips (keeps H bit for bit) when sᵀy ≤ 0 or sᵀy ≤ 1e-4·sᵀs·‖g‖', async () => {
    const n = 9;
    const h0 = f32(spd(n, 4));
    const { s, y } = pair(n, 5);
    const h = tensor(h0, [n, n]);
    const d = diag();
    const g = tensor(randomArray(n, 6), [n]);
    bfgsUpdate(h, tensor(s, [n]), tensor(y.map((v) => -v), [n]), g, d);
    // sᵀy > 0 but tiny next to sᵀs·‖g‖ with a huge g.
    const sy = dot(s, y);
    const big = (2e4 * sy) / (dot(s, s) * 1);
    bfgsUpdate(h, tensor(s, [n]), tensor(y, [n]), tensor(f32([big, ...new Array(n - 1).fill(0)]), [n]), d);
    expect((await h.data()) as Float32Array).toEqual(h0);
    expect([...((await d.data()) as Uint32Array)]).toEqual([0, 2, 0, 0]);
  });
});

describe('doubleDamp: post-conditions (i) and float64 agreement', () => {
  const n = 37;
  const cases = [
    // A large H makes the Powell-damped s mostly Hy, long next to sᵀy: step 2 then acts too.
    { name: 'sᵀy < 0, large H: both steps active', flip: true, hScale: 10, mu2: 0.5, active: [true, true] },
    { name: 'sᵀy < 0, small H: only step 1', flip: true, hScale: 0.1, mu2: 0.5, active: [true, false] },
    { name: 'μ₂ = 1 sets y = s', flip: true, hScale: 10, mu2: 1, active: [true, true] },
    { name: 'large sᵀy: neither step', flip: false, hScale: 1, mu2: 0.01, active: [false, false] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const mu1 = 0.2;
      const h = spd(n, 11).map((v) => v * c.hScale);
      let { s, y } = pair(n, 12);
      if (c.flip) y = y.map((v) => -v);
      const st = tensor(new Float32Array(n).fill(NaN), [n]);
      const yt = tensor(new Float32Array(n).fill(NaN), [n]);
      const d = diag();
      doubleDamp(tensor(f32(h), [n, n]), { s: tensor(s, [n]), y: tensor(y, [n]) }, { s: st, y: yt }, d, mu1, c.mu2);
      const sd = (await st.data()) as Float32Array;
      const yd = (await yt.data()) as Float32Array;
      const ref = doubleDampRef(s, y, Float64Array.from(f32(h)), mu1, c.mu2);
      expect([ref.step1, ref.step2]).toEqual(c.active);
      expect([...((await d.data()) as Uint32Array)]).toEqual([0, 0, +c.active[0]!, +c.active[1]!]);
      // f32 vs float64: < 1e-5 relative.
      expect(relError(sd, ref.s)).toBeLessThan(1e-5);
      expect(relError(yd, ref.y)).toBeLessThan(1e-5);
      const hy = matvec(Float64Array.from(f32(h)), y);
      if (c.active[0]) expect(Math.abs(dot(sd, y) - mu1 * dot(y, hy)) / (mu1 * dot(y, hy))).toBeLessThan(1e-5);
      // Always s̃ᵀỹ ≥ μ₂·s̃ᵀs̃ (equality when step 2 was active).
      const [sy, ss] = [dot(sd, yd), dot(sd, sd)];
      expect(sy).toBeGreaterThanOrEqual(c.mu2 * ss * (1 - 1e-5));
      if (c.active[1]) expect(Math.abs(sy - c.mu2 * ss) / (c.mu2 * ss)).toBeLessThan(1e-5);
    });
  }

  it('rejects μ₂ > 1 with the clamp advice', () => {
    const v = { s: tensor(new Float32Array(3), [3]), y: tensor(new Float32Array(3), [3]) };
    expect(() => doubleDamp(tensor(new Float32Array(9), [3, 3]), v, v, diag(), 0.2, 1.3)).toThrow(/clamp √λ to 1/);
  });
});

describe('L-BFGS applied to all columns', () => {
  const [n, cols, pairs] = [29, 13, 5];
  const data = Array.from({ length: pairs }, (_, k) => pair(n, 100 + k));

  it('(iii) with memory ≥ pairs it equals dense BFGS from γI', async () => {
    const gamma = 1;
    const mem = new LbfgsMemory(n, 7, gamma);
    const h = tensor(f32(identity(n, gamma)), [n, n]);
    const d = diag();
    const g = tensor(randomArray(n, 1), [n]);
    for (const { s, y } of data) {
      lbfgsAppend(mem, tensor(s, [n]), tensor(y, [n]), g, d);
      bfgsUpdate(h, tensor(s, [n]), tensor(y, [n]), g, d);
    }
    const dm = randomArray(n * cols, 8);
    const out = tensor(new Float32Array(n * cols).fill(NaN), [n, cols]);
    lbfgsApply(mem, tensor(dm, [n, cols]), out);
    const got = (await out.data()) as Float32Array;
    const dense = matmul(Float64Array.from((await h.data()) as Float32Array), Float64Array.from(dm), n, n, cols);
    // Two f32 evaluations of the same operator: < 1e-5 relative (measured 1.5e-7).
    expect(relError(got, dense)).toBeLessThan(1e-5);
    expect(relError(got, twoLoopRef(data.map(({ s, y }) => ({ s: Float64Array.from(s), y: Float64Array.from(y) })), dm, n, cols, gamma))).toBeLessThan(1e-5);
    expect(await mem.count()).toBe(pairs);
  });

  it('a full ring keeps the newest pairs; rejected pairs are not stored; γ scales H₀', async () => {
    const mem = new LbfgsMemory(n, 3, 0.5);
    const d = diag();
    const g = tensor(randomArray(n, 1), [n]);
    for (const [k, { s, y }] of data.entries()) {
      lbfgsAppend(mem, tensor(s, [n]), tensor(y, [n]), g, d);
      if (k === 2) lbfgsAppend(mem, tensor(s, [n]), tensor(y.map((v) => -v), [n]), g, d);
    }
    const dm = randomArray(n * cols, 9);
    const out = tensor(new Float32Array(n * cols).fill(NaN), [n, cols]);
    lbfgsApply(mem, tensor(dm, [n, cols]), out);
    const kept = data.slice(-3).map(({ s, y }) => ({ s: Float64Array.from(s), y: Float64Array.from(y) }));
    expect(relError((await out.data()) as Float32Array, twoLoopRef(kept, dm, n, cols, 0.5))).toBeLessThan(1e-5);
    expect([...((await d.data()) as Uint32Array)]).toEqual([5, 1, 0, 0]);
  });

  describe('compact form on odd sizes: n = 131, 70 columns, memory 5 wrapped by 9 appends, 2 rejected, γ = 0.7', () => {
    const [n, cols, cap, gamma] = [131, 70, 5, 0.7];
    const dm = randomArray(n * cols, 31);
    /** Appends the pairs (the 3rd with sᵀy < 0, the 6th with a huge g: both rejected); H·dm from the GPU and the float64 two-loop. */
    async function applied(pairs: { s: Float32Array; y: Float32Array }[]) {
      const mem = new LbfgsMemory(n, cap, gamma);
      const d = diag();
      const g = tensor(randomArray(n, 5), [n]);
      const huge = tensor(Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1e9 : 0)), [n]);
      const kept: { s: Float64Array; y: Float64Array }[] = [];
      for (const [k, { s, y }] of pairs.entries()) {
        const rejected = k === 2 || k === 5;
        lbfgsAppend(mem, tensor(s, [n]), tensor(k === 2 ? y.map((v) => -v) : y, [n]), k === 5 ? huge : g, d);
        if (!rejected) kept.push({ s: Float64Array.from(s), y: Float64Array.from(y) });
      }
      const out = tensor(new Float32Array(n * cols).fill(NaN), [n, cols]);
      lbfgsApply(mem, tensor(dm, [n, cols]), out);
      const got = (await out.data()) as Float32Array;
      expect([...((await d.data()) as Uint32Array)]).toEqual([pairs.length - 2, 2, 0, 0]);
      mem.dispose();
      return { got, ref: twoLoopRef(kept.slice(-cap), dm, n, cols, gamma) };
    }

    for (const variant of [...GEMM_VARIANTS, null]) {
      it(`independent pairs, GEMMs ${variant ?? 'as chosen'}`, async (ctx) => {
        const unsupported = variant && gemmVariantUnsupported(runtime().gpu, variant);
        if (unsupported) {
          console.log(`skipped: ${unsupported}`);
          ctx.skip();
        }
        forceGemmVariant(variant);
        try {
          const { got, ref } = await applied(Array.from({ length: 9 }, (_, k) => pair(n, 200 + 7 * k)));
          // f32 compact form vs the float64 two-loop: < 1e-5 relative (measured 1.1e-7 with every variant).
          expect(relError(got, ref)).toBeLessThan(1e-5);
        } finally {
          forceGemmVariant(null);
        }
      });
    }

    // The compact form solves with R = triu(SᵀY); steps within 1% of each other make it ill-conditioned.
    it('nearly parallel steps (s_k = s + 0.01·noise)', async () => {
      const base = randomArray(n, 400);
      const b = spd(n, 401);
      const pairs = Array.from({ length: 9 }, (_, k) => {
        const noise = randomArray(n, 410 + k);
        const s = f32(base.map((v, i) => v + 0.01 * noise[i]!));
        return { s, y: f32(matvec(b, s)) };
      });
      const { got, ref } = await applied(pairs);
      // < 1e-5 relative, as for independent pairs (measured 5.9e-8).
      expect(relError(got, ref)).toBeLessThan(1e-5);
    });
  });

  it('an empty memory applies γI', async () => {
    const mem = new LbfgsMemory(4, 2, 2);
    const dm = randomArray(4 * 3, 2);
    const out = tensor(new Float32Array(12).fill(NaN), [4, 3]);
    lbfgsApply(mem, tensor(dm, [4, 3]), out);
    expect(relError((await out.data()) as Float32Array, dm.map((v) => 2 * v))).toBeLessThan(1e-7);
  });
});
