// The Kronecker-factored step's pieces against float64: the momentum gradient D packed as
// [w | b], the direction −H^g·D·H^a (spec unit test (iv): equal to the dense
// (H^a ⊗ H^g)·vec(D)), batch means, curvature pairs and K-FAC's π-damping.
import { beforeAll, describe, expect, it } from 'vitest';
import { kronStep, packedMomentum } from '../../src/kernels/linalg/kron.js';
import { piDamping } from '../../src/kernels/linalg/pi-damping.js';
import { columnMean, curvaturePair } from '../../src/kernels/linalg/stats.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';
import { factorRef, matmul } from './reference.js';

beforeAll(gpu);

/** Symmetric positive definite XᵀX/(2n) + I/2 as f32. */
const spd = (n: number, seed: number) =>
  Float32Array.from(factorRef(new Float32Array(n * n), randomArray(2 * n * n, seed), 2 * n, n, false, 0, 1, 1 / (2 * n)).map((v, i) => v + (i % (n + 1) === 0 ? 0.5 : 0)));

/** [w | b] packed as [rows, in + 1] (or w alone). */
function pack(w: ArrayLike<number>, b: ArrayLike<number> | null, rows: number, inputs: number): Float64Array {
  const cols = inputs + (b ? 1 : 0);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < inputs; j++) out[i * cols + j] = w[i * inputs + j]!;
    if (b) out[i * cols + inputs] = b[i]!;
  }
  return out;
}

describe('packedMomentum: D ← ρD + (1 − ρ)(∇[w|b] + τ[w|b])', () => {
  for (const [rows, inputs, bias] of [[3, 3, true], [17, 40, true], [9, 5, false]] as const) {
    it(`w [${rows}, ${inputs}]${bias ? ' + bias' : ''}`, async () => {
      const cols = inputs + (bias ? 1 : 0);
      const [w, b, gw, gb, d0] = [rows * inputs, rows, rows * inputs, rows, rows * cols].map((n, k) => randomArray(n, 40 + k));
      const d = tensor(d0!, [rows, cols]);
      const params = { weight: tensor(w!, [rows, inputs]), bias: bias ? tensor(b!, [rows]) : null };
      const grads = { weight: tensor(gw!, [rows, inputs]), bias: bias ? tensor(gb!, [rows]) : null };
      packedMomentum(d, params, grads, { rho: 0.9, tau: 0.01 });
      const theta = pack(w!, bias ? b! : null, rows, inputs);
      const grad = pack(gw!, bias ? gb! : null, rows, inputs);
      const ref = d0!.map((v, i) => 0.9 * v + 0.1 * (grad[i]! + 0.01 * theta[i]!));
      expect(relError((await d.data()) as Float32Array, ref)).toBeLessThan(1e-6);
    });
  }
});

describe('kronStep: [w|b] ← [w|b] − lr·H^g·D·H^a', () => {
  it('(iv) 3×4 layer: equals the dense (H^a ⊗ H^g)·vec(D)', async () => {
    const [rows, inputs, cols] = [3, 3, 4];
    const w = randomArray(rows * inputs, 1);
    const b = randomArray(rows, 2);
    const dm = randomArray(rows * cols, 3);
    const hg = spd(rows, 4);
    const ha = spd(cols, 5);
    const weight = tensor(w, [rows, inputs]);
    const bias = tensor(b, [rows]);
    kronStep({ weight, bias }, tensor(dm, [rows, cols]), tensor(hg, [rows, rows]), tensor(ha, [cols, cols]), 1);
    // vec() stacks columns; (Hᵃ ⊗ Hᵍ)[(c·rows + r), (c'·rows + r')] = Hᵃ[c, c']·Hᵍ[r, r'].
    const n = rows * cols;
    const vecD = Float64Array.from({ length: n }, (_, k) => dm[(k % rows) * cols + Math.floor(k / rows)]!);
    const dir = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let l = 0; l < n; l++) {
        const kron = ha[Math.floor(k / rows) * cols + Math.floor(l / rows)]! * hg[(k % rows) * rows + (l % rows)]!;
        dir[k]! += kron * vecD[l]!;
      }
    }
    const before = pack(w, b, rows, inputs);
    const expected = before.map((v, i) => v - dir[(i % cols) * rows + Math.floor(i / cols)]!);
    const after = pack((await weight.data()) as Float32Array, (await bias.data()) as Float32Array, rows, inputs);
    expect(relError(after, expected)).toBeLessThan(1e-6);
  });

  it('odd sizes: w [37, 65] + bias, lr 0.3, vs float64 GEMMs', async () => {
    const [rows, inputs] = [37, 65];
    const cols = inputs + 1;
    const w = randomArray(rows * inputs, 11);
    const b = randomArray(rows, 12);
    const dm = randomArray(rows * cols, 13);
    const hg = spd(rows, 14);
    const ha = spd(cols, 15);
    const weight = tensor(w, [rows, inputs]);
    const bias = tensor(b, [rows]);
    kronStep({ weight, bias }, tensor(dm, [rows, cols]), tensor(hg, [rows, rows]), tensor(ha, [cols, cols]), 0.3);
    const dir = matmul(matmul(Float64Array.from(hg), Float64Array.from(dm), rows, rows, cols), Float64Array.from(ha), rows, cols, cols);
    const expected = pack(w, b, rows, inputs).map((v, i) => v - 0.3 * dir[i]!);
    const after = pack((await weight.data()) as Float32Array, (await bias.data()) as Float32Array, rows, inputs);
    // Two f32 GEMMs (K ≤ 66) then a subtraction: < 1e-6 relative to the parameters.
    expect(relError(after, expected)).toBeLessThan(1e-6);
  });
});

describe('batch means and curvature pairs', () => {
  it('columnMean with and without the homogeneous 1', async () => {
    for (const homogeneous of [false, true]) {
      const [m, cols] = [501, 67];
      const x = randomArray(m * cols, 21);
      const out = tensor(new Float32Array(cols + (homogeneous ? 1 : 0)).fill(NaN), [cols + (homogeneous ? 1 : 0)]);
      columnMean(out, tensor(x, [m, cols]), 3, homogeneous);
      const ref = Array.from({ length: cols }, (_, j) => {
        let s = 0;
        for (let r = 0; r < m; r++) s += x[r * cols + j]!;
        return (3 * s) / m;
      });
      if (homogeneous) ref.push(1);
      // f32 sums of 501 terms: < 1e-5 relative.
      expect(relError((await out.data()) as Float32Array, ref)).toBeLessThan(1e-5);
    }
  });

  it('curvaturePair: raw (keep 0) then smoothed (keep 0.9)', async () => {
    const n = 45;
    const [am, gm, an, gn] = [1, 2, 3, 4].map((k) => randomArray(n, 30 + k));
    const s = tensor(new Float32Array(n).fill(NaN), [n]);
    const y = tensor(new Float32Array(n).fill(NaN), [n]);
    const means = { aMean: tensor(am!, [n]), gMean: tensor(gm!, [n]), aNew: tensor(an!, [n]), gNew: tensor(gn!, [n]) };
    curvaturePair(s, y, means, 0);
    const s1 = am!.map((v, i) => v - an![i]!);
    const y1 = gm!.map((v, i) => v - gn![i]!);
    expect(relError((await s.data()) as Float32Array, s1)).toBeLessThan(1e-7);
    curvaturePair(s, y, { ...means, aNew: tensor(gn!, [n]) }, 0.9);
    const s2 = s1.map((v, i) => 0.9 * v + 0.1 * (am![i]! - gn![i]!));
    expect(relError((await s.data()) as Float32Array, s2)).toBeLessThan(1e-6);
    expect(relError((await y.data()) as Float32Array, y1)).toBeLessThan(1e-6);
  });

  it('piDamping: π = sqrt((tr A / dim A)/(tr G / dim G)) splits √λ', async () => {
    const [na, ng] = [70, 9];
    const a = spd(na, 1).map((v) => v * 4);
    const g = spd(ng, 2);
    const [sa, sg] = [tensor([NaN], [1]), tensor([NaN], [1])];
    piDamping(sa, sg, tensor(a, [na, na]), tensor(g, [ng, ng]), 0.5);
    const tr = (m: Float32Array, n: number) => Array.from({ length: n }, (_, i) => m[i * (n + 1)]!).reduce((x, v) => x + v, 0);
    const pi = Math.sqrt(tr(a, na) / na / (tr(g, ng) / ng));
    expect(Math.abs((await sa.item()) - pi * Math.sqrt(0.5)) / (pi * Math.sqrt(0.5))).toBeLessThan(1e-6);
    expect(Math.abs((await sg.item()) - Math.sqrt(0.5) / pi) / (Math.sqrt(0.5) / pi)).toBeLessThan(1e-6);
  });
});
