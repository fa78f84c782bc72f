import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { mulScalar, square } from '../../src/kernels/elementwise/unary.js';
import { sum, sumAll } from '../../src/kernels/reduce/reduce.js';
import { broadcastTo } from '../../src/kernels/shape/broadcast.js';
import { normalsFromBits, rngQuad } from '../../src/kernels/rng/philox.js';
import { CTLD, type CTLDOptions } from '../../src/optim/ctld.js';
import { SGLD } from '../../src/optim/sgld.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

// ---- float64 reference of one sampler step (the spec's §2–§5 as shaders/optim/ctld.wgsl) ----

interface RefTemper {
  gMin: number;
  delta1: number;
  delta2: number;
  alphaMax: number;
  wall: number;
  eta: number;
  friction: number;
  bins: number;
  abf: boolean;
  stream: number;
}

interface RefState {
  theta: Float64Array[];
  velocity: Float64Array[];
  alpha: number;
  vAlpha: number;
  means: Float64Array;
  visits: Float64Array;
  steps: number;
}

function couplingRef(t: RefTemper, alpha: number): [number, number] {
  const s = Math.abs(alpha);
  if (s <= t.delta1) return [1, 0];
  if (s >= t.delta2) return [t.gMin, 0];
  const w = t.delta2 - t.delta1;
  const u = (s - t.delta1) / w;
  return [1 - (1 - t.gMin) * (3 * u * u - 2 * u ** 3), (-(1 - t.gMin) * 6 * u * (1 - u) * Math.sign(alpha)) / w];
}

/**
 * One step: α first (from the mean loss), then every parameter with g(α before the step).
 * `grads` are the mean-loss gradients at the current θ; `step` is the optimizer's 1-based count.
 */
function stepRef(s: RefState, meanLoss: number, grads: Float64Array[], o: Required<Omit<CTLDOptions, 'tempering' | 'stream' | 'chains'>> & { streams: readonly number[] }, t: RefTemper, step: number): void {
  const energy = meanLoss * o.dataSize;
  const [g, gPrime] = couplingRef(t, s.alpha);
  const b = Math.min(t.bins - 1, Math.max(0, Math.floor(((s.alpha + t.alphaMax) / (2 * t.alphaMax)) * t.bins)));
  s.visits[b]! += 1;
  s.means[b]! += (energy - s.means[b]!) / s.visits[b]!;
  const wallForce = t.wall * Math.max(Math.abs(s.alpha) - t.alphaMax, 0) * Math.sign(s.alpha);
  const force = gPrime * (energy - (t.abf ? s.means[b]! : 0)) + wallForce;
  const xi = normalsFromBits(rngQuad(o.seed, t.stream, 0, s.steps))[0];
  s.vAlpha = (1 - t.friction) * s.vAlpha - t.eta * force + Math.sqrt(2 * t.friction * t.eta * o.temperature) * xi;
  s.alpha += s.vAlpha;
  s.steps++;
  const sigma = Math.sqrt((2 * o.friction * o.temperature * o.lr) / o.dataSize);
  s.theta.forEach((theta, p) => {
    for (let i = 0; i < theta.length; i++) {
      const noise = normalsFromBits(rngQuad(o.seed, o.streams[p]!, Math.floor(i / 4), step))[i % 4];
      const v = (1 - o.friction) * s.velocity[p]![i]! - o.lr * (g * grads[p]![i]! + o.weightDecay * theta[i]!) + sigma * noise;
      s.velocity[p]![i] = v;
      theta[i] = theta[i]! + v;
    }
  });
}

// L = Σ_p Σ_i c_p,i θ² / 2 + Σ θ (so gradients are c θ + 1, and L is known in float64).
function quadLoss(params: Tensor[], curv: Tensor[]): Tensor {
  return params.map((p, i) => add(mulScalar(sumAll(mul(curv[i]!, square(p))), 0.5), sumAll(p))).reduce((a, b) => add(a, b));
}

describe('CTLD sampler kernels against a float64 reference', () => {
  it('matches five steps of θ, velocity, α and the bin means (odd sizes, α in the coupling ramp)', async () => {
    const sizes = [7, 33];
    const init = sizes.map((n, i) => randomArray(n, 10 + i, -1, 1));
    const c = sizes.map((n, i) => randomArray(n, 20 + i, 0.5, 2));
    const params = init.map((d, i) => tensor(d, [sizes[i]!]).trainable());
    const curv = c.map((d, i) => tensor(d, [sizes[i]!]));
    const opts = { lr: 0.05, dataSize: 200, friction: 0.2, temperature: 0.5, weightDecay: 0.01, seed: 77 };
    const temper = { gMin: 0.2, delta1: 0.2, delta2: 0.8, alphaMax: 1, wall: 1000, eta: 2e-5, friction: 0.3, bins: 9, abf: true };
    const ctld = new CTLD(params, { ...opts, tempering: temper });
    ctld.setAlpha(0.45);
    const s: RefState = {
      theta: init.map((d) => Float64Array.from(d)),
      velocity: sizes.map((n) => new Float64Array(n)),
      alpha: 0.45,
      vAlpha: 0,
      means: new Float64Array(9),
      visits: new Float64Array(9),
      steps: 0,
    };
    for (let step = 1; step <= 5; step++) {
      const thetaNow = s.theta.map((t) => Float64Array.from(t));
      const meanLoss = thetaNow.reduce((acc, t, p) => acc + t.reduce((a, v, i) => a + 0.5 * c[p]![i]! * v * v + v, 0), 0);
      const grads = thetaNow.map((t, p) => t.map((v, i) => c[p]![i]! * v + 1));
      ctld.zeroGrad();
      const loss = quadLoss(params, curv);
      loss.backward();
      ctld.step(loss);
      stepRef(s, meanLoss, grads, { ...opts, streams: ctld.streams }, { ...temper, stream: ctld.tempering!.stream }, step);
    }
    // f32 against float64 over five steps: 1e-5 relative for θ and the velocity, whose noise
    // differs only by the f32 Box–Muller (~1e-6).
    for (let p = 0; p < 2; p++) {
      expect(relError(await params[p]!.data(), s.theta[p]!), `θ ${p}`).toBeLessThan(1e-5);
      expect(relError(await ctld.state()[`${p}.velocity`]!.data(), s.velocity[p]!), `velocity ${p}`).toBeLessThan(1e-5);
    }
    const st = await ctld.temperingState();
    expect(st.steps).toBe(5);
    expect(Math.abs(st.alpha - s.alpha)).toBeLessThan(1e-5);
    expect(relError(st.binMeans, s.means)).toBeLessThan(1e-5);
    expect([...st.binVisits]).toEqual([...s.visits]);
    // α stayed in the ramp, so g' was non-zero and the biasing force was exercised.
    expect(s.alpha > 0.2 && s.alpha < 0.8).toBe(true);
    ctld.dispose();
  });
});

// ---- stationary statistics ------------------------------------------------------------------

/**
 * Exact stationary variance of θ for the discrete chain on U = N k θ²/2:
 * v' = (1−a)v − cθ + sξ, θ' = θ + v' with c = lr·k, s² = 2 a T0 lr / N (Lyapunov iteration).
 */
function discreteVariance(a: number, c: number, s2: number): number {
  let [tt, tv, vv] = [0, 0, 0];
  for (let i = 0; i < 200_000; i++) {
    // A = [[1 − c, 1 − a], [−c, 1 − a]], noise s·(1, 1).
    const ntt = (1 - c) ** 2 * tt + 2 * (1 - c) * (1 - a) * tv + (1 - a) ** 2 * vv + s2;
    const ntv = -c * (1 - c) * tt + (1 - a) * (1 - 2 * c) * tv + (1 - a) ** 2 * vv + s2;
    const nvv = c * c * tt - 2 * c * (1 - a) * tv + (1 - a) ** 2 * vv + s2;
    [tt, tv, vv] = [ntt, ntv, nvv];
  }
  return tt;
}

/** Runs `steps` compiled steps on L = k Σθ²/2 (d coordinates) and returns θ's variance over coordinates, averaged over snapshots. */
async function quadraticVariance(make: (p: Tensor[]) => CTLD, k: number, d: number, burnIn: number, snapshots: number, gap: number): Promise<number> {
  const theta = tensor(new Float32Array(d), [d]).trainable();
  const sampler = make([theta]);
  const step = await compile({}, () => {
    const loss = mulScalar(sumAll(square(theta)), k / 2);
    loss.backward();
    sampler.step(loss);
    return { loss };
  });
  let total = 0;
  for (let i = 0; i < burnIn + snapshots * gap; i++) {
    await step.run({});
    if (i >= burnIn && (i - burnIn) % gap === gap - 1) {
      const x = (await theta.data()) as Float32Array;
      const m = x.reduce((a, v) => a + v, 0) / d;
      total += x.reduce((a, v) => a + (v - m) ** 2, 0) / (d - 1);
    }
  }
  step.dispose();
  sampler.dispose();
  theta.dispose();
  return total / snapshots;
}

describe('noise scale matches the temperature on a quadratic', () => {
  // 4096 independent 1-d chains; 5 snapshots 40 steps apart. The sample variance of 4096 normals
  // has relative sd 2.2%; with correlated snapshots we allow 8%.
  const [k, N, d] = [1, 100, 4096];
  for (const temperature of [0.01, 1]) {
    it(`SGHMC (friction 0.1) at T0 = ${temperature}: Var θ = T0 / (N k) within 8%`, async () => {
      const lr = 0.05;
      const v = await quadraticVariance((p) => new CTLD(p, { lr, dataSize: N, friction: 0.1, temperature, tempering: false, seed: 3 }), k, d, 400, 5, 40);
      const analytic = temperature / (N * k);
      // The discrete chain's own variance is within 2% of the continuous one at this step size.
      expect(Math.abs(discreteVariance(0.1, lr * k, (2 * 0.1 * temperature * lr) / N) / analytic - 1)).toBeLessThan(0.02);
      expect(Math.abs(v / analytic - 1), `variance ${v} vs ${analytic}`).toBeLessThan(0.08);
    });
  }

  it('SGLD: Var θ = T0 / (N k (1 − lr k / 2)) within 8%', async () => {
    const [lr, temperature] = [0.2, 0.5];
    const v = await quadraticVariance((p) => new SGLD(p, { lr, dataSize: N, temperature, seed: 4 }), k, d, 100, 5, 20);
    expect(Math.abs(v / (temperature / (N * k * (1 - (lr * k) / 2))) - 1), `variance ${v}`).toBeLessThan(0.08);
  });

  it('with α held in the hot state the force is scaled by g_min: Var θ = T0 / (g_min N k)', async () => {
    const [lr, temperature, gMin] = [0.05, 0.2, 0.25];
    const v = await quadraticVariance(
      (p) => {
        // η_α = 0 freezes α where setAlpha put it (beyond δ2: g = g_min).
        const s = new CTLD(p, { lr, dataSize: N, friction: 0.1, temperature, seed: 5, tempering: { gMin, eta: 0 } });
        s.setAlpha(0.9);
        return s;
      },
      k,
      d,
      400,
      5,
      40,
    );
    expect(Math.abs(v / (temperature / (gMin * N * k)) - 1), `variance ${v}`).toBeLessThan(0.08);
  });
});

describe('CTLD options and errors', () => {
  it('step(loss) is required with tempering, and the loss must be one value', () => {
    const p = tensor(randomArray(5, 1), [5]).trainable();
    const s = new CTLD([p], { lr: 0.1, dataSize: 10 });
    const loss = sumAll(square(p));
    loss.backward();
    expect(() => s.step()).toThrow(/tempering needs the minibatch mean loss; call optimizer.step\(loss\)/);
    expect(() => s.step(square(p))).toThrow(/must be the mean loss, one f32 value/);
    s.dispose();
  });

  it('rejects bad hyperparameters, naming them', () => {
    const p = [tensor(randomArray(5, 1), [5]).trainable()];
    expect(() => new CTLD(p, { lr: 0.1, dataSize: 0 })).toThrow(/dataSize = 0 must be the number of training examples/);
    expect(() => new CTLD(p, { lr: 0.1, dataSize: 10, friction: 0 })).toThrow(/friction = 0 must be in \(0, 1\]/);
    expect(() => new CTLD(p, { lr: 0.1, dataSize: 10, tempering: { gMin: 0 } })).toThrow(/gMin = 0 must be in \(0, 1\]/);
    expect(() => new CTLD(p, { lr: 0.1, dataSize: 10, tempering: { delta1: 0.9, delta2: 0.5 } })).toThrow(/need 0 <= delta1 < delta2 <= alphaMax/);
    expect(() => new CTLD(p, { lr: 0.1, dataSize: 10, tempering: { eta: 8e-3 } })).toThrow(/walls of stiffness 1000 are unstable with tempering eta = 0.008: need eta · wall < 3.8/);
    expect(() => new SGLD(p, { lr: -1, dataSize: 10 })).toThrow(/SGLD: lr = -1 must be a finite number >= 0/);
  });

  it('checkpoints carry the tempering state: state() has it and loadState restores α', async () => {
    const p = [tensor(randomArray(5, 1), [5]).trainable()];
    const s = new CTLD(p, { lr: 0.1, dataSize: 10, tempering: { traceLength: 4 } });
    s.setAlpha(0.6);
    const saved = Object.fromEntries(await Promise.all(Object.entries(s.state()).map(async ([k, t]) => [k, await t.data()] as const)));
    s.setAlpha(-0.3);
    await s.loadState(saved as Record<string, Float32Array>);
    expect((await s.temperingState()).alpha).toBeCloseTo(0.6, 6);
    s.dispose();
  });
});

// ---- chains: independent samplers in one optimizer ------------------------------------------

describe('chains', () => {
  // Noise off (T0 = 0) makes every chain deterministic, so C chains batched in one optimizer must
  // follow C single-chain runs from the same starts exactly: per-chain loss, α, bins and g(α).
  it('C batched chains follow C single-chain runs (θ, α, bin means, trace)', async () => {
    const [C, n, steps] = [3, 6, 5];
    const starts = Array.from({ length: C }, (_, c) => randomArray(n, 40 + c, -1, 1));
    const curv = randomArray(n, 50, 0.5, 2);
    const opts = { lr: 0.05, dataSize: 200, friction: 0.2, temperature: 0, seed: 9 };
    const temper = { gMin: 0.2, eta: 2e-5, friction: 0.3, bins: 9, abf: false, traceLength: steps };
    const perChainLoss = (theta: Tensor, rows: number) => add(mulScalar(sum(mul(theta, broadcastTo(tensor(curv, [1, n]), [rows, n])), 1), 0.5), sum(theta, 1));
    const run = async (init: Float32Array, rows: number) => {
      const theta = tensor(init, [rows, n]).trainable();
      const s = new CTLD([theta], { ...opts, chains: rows, tempering: temper });
      s.setAlpha(0.45);
      for (let t = 0; t < steps; t++) {
        s.zeroGrad();
        const loss = perChainLoss(square(theta), rows);
        sumAll(loss).backward();
        s.step(loss);
      }
      const out = { theta: (await theta.data()) as Float32Array, states: await Promise.all(Array.from({ length: rows }, (_, c) => s.temperingState(c))), traces: await Promise.all(Array.from({ length: rows }, (_, c) => s.alphaTrace(c))) };
      s.dispose();
      theta.dispose();
      return out;
    };
    const batched = await run(Float32Array.from(starts.flatMap((a) => [...a])), C);
    for (let c = 0; c < C; c++) {
      const single = await run(starts[c]!, 1);
      expect(relError(batched.theta.subarray(c * n, (c + 1) * n), single.theta), `chain ${c} θ`).toBeLessThan(1e-6);
      expect(batched.states[c]!.alpha, `chain ${c} α`).toBeCloseTo(single.states[0]!.alpha, 6);
      expect(relError(batched.states[c]!.binMeans, single.states[0]!.binMeans), `chain ${c} bins`).toBeLessThan(1e-6);
      expect([...batched.traces[c]!]).toEqual([...single.traces[0]!]);
    }
    // The chains started apart, so they moved α apart: g(α) really is per chain.
    expect(new Set(batched.states.map((st) => st.alpha.toFixed(6))).size).toBe(C);
  });

  it('refuses parameters that do not split into the chains, a loss of the wrong size and a chain out of range', async () => {
    const p = tensor(randomArray(6, 1), [3, 2]).trainable();
    expect(() => new CTLD([p], { lr: 0.1, dataSize: 10, chains: 4 })).toThrow(/has 6 elements, not a multiple of chains = 4; give every parameter a leading dimension of 4/);
    const s = new CTLD([p], { lr: 0.1, dataSize: 10, chains: 3 });
    const loss = sumAll(square(p));
    loss.backward();
    expect(() => s.step(loss)).toThrow(/one f32 value per chain \(3\)/);
    await expect(s.temperingState(3)).rejects.toThrow(/chain = 3 must be an integer in \[0, 2\]/);
    s.dispose();
  });
});
