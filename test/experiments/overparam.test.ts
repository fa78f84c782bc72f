// Over-parameterized GD (Zou & Gu 2019, spec §6): the member-GD kernels against float64
// references, the deep ReLU net's gradient against float64 finite differences, the quick
// profile's criteria C1–C8, and the spec's controls, which must fail those same checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { mulScalar } from '../../src/kernels/elementwise/unary.js';
import { mseLoss } from '../../src/kernels/loss/pointwise.js';
import { gdAdvance, gdGate, gdUpdate, type MemberGdBuffers } from '../../src/experiments/overparam/member-gd.js';
import { QUICK_CONFIG, type SweepPoint } from '../../src/experiments/overparam/config.js';
import { checkC1, checkC4, judge, logLogSlope } from '../../src/experiments/overparam/criteria.js';
import { minDistance, pairedData, sphereData, type SphereData } from '../../src/experiments/overparam/data.js';
import { gradientDescent } from '../../src/experiments/overparam/gd.js';
import { runOverparam, report } from '../../src/experiments/overparam/index.js';
import { ReluNetGroup, initWeights, type NetShape, type ReluMode } from '../../src/experiments/overparam/net.js';
import { forwardCpu, spectralNorm, stepsTo, type WeightsLike } from '../../src/experiments/overparam/records.js';
import { widthSweep } from '../../src/experiments/overparam/sweeps.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

function buffers(lrs: number[], layers: number, cap: number): MemberGdBuffers {
  const S = lrs.length;
  return {
    lr: tensor(lrs, [S]),
    track: tensor(Array.from({ length: S }, () => [1, 0, 0, 0]).flat(), [S, 4]),
    clock: tensor([0], [1], 'u32'),
    history: zeros([cap, S]),
    gsq: zeros([layers, S]),
  };
}

describe('member GD kernels', () => {
  it('gate records each member\'s ½·mean squared error and stops members at relStop, on NaN and at tmax', async () => {
    const [S, n] = [3, 7];
    const b = buffers([0.1, 0.2, 0.3], 1, 5);
    const y = randomArray(S * n, 2);
    const f0 = randomArray(S * n, 1, -2, 2);
    const half = (f: Float32Array, s: number) => Array.from({ length: n }, (_, i) => (f[s * n + i]! - y[s * n + i]!) ** 2).reduce((a, c) => a + c) / (2 * n);
    const yt = tensor(y, [S, n]);
    gdGate(tensor(f0, [S, n]), yt, b, { relStop: 0.5, tmax: 3 });
    gdAdvance(b);
    // Step 1: member 0 halves its error (stops), member 1 goes NaN (stops), member 2 stays.
    const f1 = Float32Array.from(f0);
    for (let i = 0; i < n; i++) {
      f1[i] = y[i]! + (f0[i]! - y[i]!) * 0.5;
      f1[n + i] = NaN;
    }
    gdGate(tensor(f1, [S, n]), yt, b, { relStop: 0.5, tmax: 3 });
    const history = await b.history.data();
    const track = await b.track.data();
    const first = [0, 1, 2].map((s) => half(f0, s));
    // A sum of 7 squares in f32: 1e-6 relative.
    expect(relError([history[0]!, history[1]!, history[2]!], first)).toBeLessThan(1e-6);
    expect(relError([track[3]!, track[7]!, track[11]!], first)).toBeLessThan(1e-6);
    expect(history[S]).toBeCloseTo(first[0]! / 4, 6);
    expect(Number.isNaN(history[S + 1]!)).toBe(true);
    expect([track[0], track[4], track[8]]).toEqual([0, 0, 1]);
    // tmax: at step 3 everyone stops.
    gdAdvance(b);
    gdAdvance(b);
    gdGate(tensor(f0, [S, n]), yt, b, { relStop: 0.5, tmax: 3 });
    expect((await b.track.data())[8]).toBe(0);
    expect([...(await b.clock.data())]).toEqual([3]);
  });

  it('update moves only active members, by lr·grad, and reports ‖grad‖²; advance adds lr·‖g‖ to the path', async () => {
    const [S, size] = [3, 1001]; // more elements than one workgroup's threads
    const lrs = [0.1, 0.2, 0.3];
    const b = buffers(lrs, 2, 4);
    b.track.dispose();
    b.track = tensor([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], [S, 4]); // member 1 already stopped
    const p0 = randomArray(S * size, 3);
    const g0 = randomArray(S * size, 4);
    const q0 = randomArray(S * 5, 5);
    const gq = randomArray(S * 5, 6);
    const p = tensor(p0, [S, size]);
    const q = tensor(q0, [S, 5]);
    gdUpdate(p, tensor(g0, [S, size]), b, 0);
    gdUpdate(q, tensor(gq, [S, 5]), b, 1);
    gdAdvance(b);
    const active = [1, 0, 1];
    const expected = Float64Array.from(p0, (v, i) => v - lrs[Math.floor(i / size)]! * active[Math.floor(i / size)]! * g0[i]!);
    expect(relError(await p.data(), expected)).toBeLessThan(1e-6);
    const sq = (g: Float32Array, s: number, k: number) => Array.from({ length: k }, (_, i) => g[s * k + i]! ** 2).reduce((a, c) => a + c);
    const gsq = await b.gsq.data();
    // ‖g‖² sums 1001 squares in f32: 1e-5 relative.
    expect(relError(gsq, [0, 1, 2].map((s) => sq(g0, s, size)).concat([0, 1, 2].map((s) => sq(gq, s, 5))))).toBeLessThan(1e-5);
    const track = await b.track.data();
    const path = [0, 1, 2].map((s) => (active[s] ? lrs[s]! * Math.sqrt(sq(g0, s, size) + sq(gq, s, 5)) : 0));
    expect(relError([track[2]!, track[6]!, track[10]!], path)).toBeLessThan(1e-5);
    expect([track[1], track[5], track[9]]).toEqual([1, 0, 1]);
    expect([...(await b.clock.data())]).toEqual([1]);
  });

  it('rejects mismatched shapes with what is expected', () => {
    const b = buffers([0.1, 0.2], 1, 3);
    expect(() => gdGate(zeros([3, 4]), zeros([3, 4]), b, { relStop: 0, tmax: 1 })).toThrow(/2 members first/);
    expect(() => gdUpdate(zeros([2, 5]), zeros([2, 4]), b, 0)).toThrow(/differs from parameter/);
    expect(() => gdUpdate(zeros([2, 5]), zeros([2, 5]), b, 1)).toThrow(/layer 1 must index/);
  });
});

describe('data', () => {
  it('unit-norm inputs, ±1 labels; pairs at exactly chord distance phi with opposite labels', () => {
    const s = sphereData(9, 16, 3);
    for (let i = 0; i < 9; i++) expect(Math.hypot(...s.x.subarray(i * 16, (i + 1) * 16))).toBeCloseTo(1, 6);
    expect([...s.y].every((v) => v === 1 || v === -1)).toBe(true);
    expect([...sphereData(4, 16, 3).x]).toEqual([...s.x.subarray(0, 64)]); // prefixes: E2's nested sets
    const p = pairedData(5, 16, 0.1, 3);
    for (let k = 0; k < 5; k++) {
      const a = p.x.subarray(2 * k * 16, (2 * k + 1) * 16);
      const c = p.x.subarray((2 * k + 1) * 16, (2 * k + 2) * 16);
      expect(Math.hypot(...a.map((v, i) => v - c[i]!))).toBeCloseTo(0.1, 5);
      expect(Math.hypot(...c)).toBeCloseTo(1, 6);
      expect(p.y[2 * k]).toBe(-p.y[2 * k + 1]!);
    }
    expect(minDistance(p)).toBeCloseTo(0.1, 5);
  });

  it('spectral norm and log-log slope helpers', () => {
    // diag(3, 1) rotated has spectral norm 3.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    expect(spectralNorm([3 * c, -s, 3 * s, c], 2, 2)).toBeCloseTo(3, 6);
    expect(logLogSlope([[2, 8], [4, 2], [8, 0.5]])).toBeCloseTo(-2, 12);
    expect(stepsTo([4, 2, 0.05, 0.04, 0.01], 1e-2)).toBe(3); // first loss ≤ 0.04
  });
});

/** ½·mean (f − y)² in float64. */
function lossCpu(w: WeightsLike, shape: NetShape, data: SphereData): number {
  const { f } = forwardCpu(w, shape, data);
  return f.reduce((s, v, i) => s + (v - data.y[i]!) ** 2, 0) / (2 * data.n);
}

/** A float64 copy of the weights with one of them (layer l, index j; l = L means v) moved by delta. */
function moved(w: WeightsLike, l: number, j: number, delta: number): { W: Float64Array[]; v: Float64Array } {
  const out = { W: w.W.map((a) => Float64Array.from(a)), v: Float64Array.from(w.v) };
  (l < out.W.length ? out.W[l]! : out.v)[j]! += delta;
  return out;
}

/** Central differences (h = 1e-6 in float64) of the loss for every weight of one layer (l = L: v). */
function numericGradient(w: WeightsLike, l: number, shape: NetShape, data: SphereData): Float64Array {
  const size = l < shape.layers ? w.W[l]!.length : w.v.length;
  const h = 1e-6;
  return Float64Array.from({ length: size }, (_, j) => (lossCpu(moved(w, l, j, h), shape, data) - lossCpu(moved(w, l, j, -h), shape, data)) / (2 * h));
}

/** The GPU gradients of every member's W_l (and v), from one backward of the summed loss. */
async function gpuGradients(net: ReluNetGroup, data: SphereData[], mode: ReluMode) {
  for (const t of [...net.W, net.v]) t.trainable();
  const n = data[0]!.n;
  const x = tensor(new Float32Array(data.flatMap((d) => [...d.x])), [data.length, n, net.shape.inputs]);
  const y = tensor(new Float32Array(data.flatMap((d) => [...d.y])), [data.length, n, 1]);
  mulScalar(mseLoss(net.forward(x, mode), y, 'sum'), 0.5 / n).backward();
  return Promise.all([...net.W, net.v].map(async (t) => (await t.grad!.data()) as Float32Array));
}

describe('deep ReLU net gradient (spec: d = 4, m = 6, L = 3, n = 5)', () => {
  it('autograd matches float64 central differences per member, to 1e-4; the broken mask does not', async () => {
    const shape: NetShape = { inputs: 4, width: 6, layers: 3 };
    const data = [sphereData(5, 4, 11), sphereData(5, 4, 12)];
    const inits = [initWeights(shape, 21), initWeights(shape, 22)];
    const net = new ReluNetGroup(shape, inits);
    const grads = await gpuGradients(net, data, 'correct');
    for (let s = 0; s < 2; s++) {
      for (let l = 0; l <= shape.layers; l++) {
        const numeric = numericGradient(inits[s]!, l, shape, data[s]!);
        const analytic = grads[l]!.subarray(s * numeric.length, (s + 1) * numeric.length);
        // f32 forward and backward on O(1) values against float64 differences: 1e-4 (the spec's bound).
        expect(relError(analytic, numeric), `member ${s}, ${l < shape.layers ? `W_${l + 1}` : 'v'}`).toBeLessThan(1e-4);
      }
    }
    net.dispose();
    // The control's gradient differs (the mask is what it leaves out).
    const broken = new ReluNetGroup(shape, inits);
    const wrong = await gpuGradients(broken, data, 'no-mask');
    expect(relError(wrong[0]!, grads[0]!)).toBeGreaterThan(1e-2);
    broken.dispose();
  });
});

describe('compiled GD', () => {
  it('takes the float64 reference steps, stops at the relative loss, and sums the path', async () => {
    const shape: NetShape = { inputs: 4, width: 6, layers: 3 };
    const data = sphereData(5, 4, 13);
    const init = initWeights(shape, 23);
    const net = new ReluNetGroup(shape, [init]);
    const lr = 0.05;
    const [trace] = await gradientDescent(net, data.x, data.y, [lr], { tmax: 4, relStop: 0, trained: 'hidden', relu: 'correct', chunk: 3 });
    // Reference: 4 float64 GD steps with central-difference gradients.
    let w = moved(init, 0, 0, 0);
    let path = 0;
    const losses = [];
    for (let t = 0; t < 4; t++) {
      losses.push(lossCpu(w, shape, data));
      const g = w.W.map((_, l) => numericGradient(w, l, shape, data));
      path += lr * Math.hypot(...g.flatMap((a) => [...a]));
      const cur = w;
      w = { W: cur.W.map((a, l) => a.map((v, j) => v - lr * g[l]![j]!)), v: cur.v };
    }
    losses.push(lossCpu(w, shape, data));
    const [final] = await net.read();
    expect(trace!.updates).toBe(4);
    expect(relError(trace!.losses, losses)).toBeLessThan(1e-5);
    expect(relError(final!.W.flatMap((a) => [...a]), w.W.flatMap((a) => [...a]))).toBeLessThan(1e-5);
    expect(trace!.pathLength).toBeCloseTo(path, 5);
    net.dispose();
    // A generous relStop stops after the first step that gets there.
    const again = new ReluNetGroup(shape, [init]);
    const [stopped] = await gradientDescent(again, data.x, data.y, [lr], { tmax: 50, relStop: losses[2]! / losses[0]! + 1e-6, trained: 'hidden', relu: 'correct' });
    expect(stopped!.updates).toBe(2);
    again.dispose();
  });
});

describe('quick profile and controls', () => {
  const c = QUICK_CONFIG;

  it('C1–C8 hold on the quick profile, and the report puts each beside the theory', async () => {
    const result = await runOverparam(c);
    const checks = judge(result);
    for (const k of checks) expect(k.pass, `${k.id}: ${k.ours}`).toBe(true);
    const text = report(result).text;
    for (const id of ['C1', 'C4', 'C8']) expect(text).toMatch(new RegExp(`${id}\\. .*\\[supported\\]`));
    expect(text).toMatch(/paper: P-b: ‖ΔW_l‖_F ~ m\^\(−1\/2\)/);
  }, 900_000);

  it('eta = 0: the loss stays at L_S(W0) and C1 fails', async () => {
    const e1 = await widthSweep({ ...c, e1: { ...c.e1, seeds: [0] } }, { widths: [64], lrScale: 0 });
    const run = e1[0]!.runs[0]!;
    expect(run.finalLoss).toBe(run.initialLoss);
    expect(run.updates).toBe(c.e1.tmax);
    expect(checkC1(e1).pass).toBe(false);
  }, 300_000);

  it('only v trained (random features, m = 16, n = 50): cannot fit random labels, so C1\'s predicate fails', async () => {
    const e1: SweepPoint[] = await widthSweep({ ...c, e1: { ...c.e1, n: 50, seeds: [0] } }, { widths: [16], setting: { trained: 'output', relu: 'correct' } });
    const run = e1[0]!.runs[0]!;
    expect(run.finalLoss / run.initialLoss).toBeGreaterThan(1e-2);
    expect(run.layers.every((l) => l.frobenius === 0)).toBe(true); // the hidden layers stayed frozen
    expect(checkC1(e1, 16).pass).toBe(false);
  }, 300_000);

  it('broken ReLU mask: the gradient ignores the mask; training moves the weights far out of the lazy regime and C4 fails', async () => {
    const e1 = await widthSweep({ ...c, e1: { ...c.e1, seeds: [0] } }, { widths: [64, 128], setting: { trained: 'hidden', relu: 'no-mask' } });
    const c4 = checkC4(e1);
    expect(c4.pass, c4.ours).toBe(false);
    expect(judge({ e1, e2: [], e3: [] }).some((k) => k.pass === false)).toBe(true);
  }, 600_000);
});
