// K-BFGS(L)'s L-BFGS memory after wrap-around, against float64: (1) the ring alone, on random
// SPD pairs of an odd size larger than the append kernel's workgroup, checked after every one
// of more appends than the memory holds; (2) the whole K-BFGS(L) curvature path on a small
// autoencoder, shadowed in float64 (double damping against the shadow's own L-BFGS matrix, the
// skip test, oldest pair dropped) and compared pair by pair; (3) while no pair has been dropped,
// K-BFGS(L) takes the same steps as K-BFGS (the authors' H₀ = I and the same damping).
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder } from '../../src/experiments/kbfgs/autoencoder.js';
import { LbfgsMemory, lbfgsAppend, lbfgsApply } from '../../src/kernels/linalg/lbfgs.js';
import { KBFGS } from '../../src/optim/kbfgs.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';
import { acceptsPair, doubleDampRef, identity, matmul, matvec, transpose, twoLoopRef } from '../linalg/reference.js';

beforeAll(gpu);

type Pair = { s: Float64Array; y: Float64Array };

/** y = B·s with B = I/2 + XᵀX/(2n) SPD, a new B per pair (rounded to f32, as the GPU stores it). */
function spdPair(n: number, seed: number): Pair {
  const x = Float64Array.from(randomArray(2 * n * n, seed));
  const b = matmul(transpose(x, 2 * n, n), x, n, 2 * n, n).map((v, i) => v / (2 * n) + (i % (n + 1) === 0 ? 0.5 : 0));
  const s = Float64Array.from(randomArray(n, seed + 1));
  return { s, y: Float64Array.from(Float32Array.from(matvec(b, s))) };
}

describe('L-BFGS ring after wrap-around (n = 131 > the 64-thread append, memory 4, 11 appends)', () => {
  const [n, cap] = [131, 4];
  // Appends 3 and 7 must be rejected: sᵀy < 0, and sᵀy ≤ 1e-4·sᵀs·‖g‖ with a huge g.
  const negative = 3;
  const tiny = 7;

  it('after every append: the newest ≤ 4 accepted pairs, oldest first, applied to 1 and 7 columns', async () => {
    const mem = new LbfgsMemory(n, cap, 1);
    const diag = tensor(new Uint32Array(4), [4], 'u32');
    const g = randomArray(n, 77);
    const huge = Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1e9 : 0));
    const kept: Pair[] = [];
    for (let k = 0; k < 11; k++) {
      const p = spdPair(n, 1000 + 10 * k);
      const y = k === negative ? p.y.map((v) => -v) : p.y;
      lbfgsAppend(mem, tensor(Float32Array.from(p.s), [n]), tensor(Float32Array.from(y), [n]), tensor(k === tiny ? huge : g, [n]), diag);
      if (k !== negative && k !== tiny) {
        kept.push(p);
        if (kept.length > cap) kept.shift();
      }
      for (const cols of [1, 7]) {
        const d = randomArray(n * cols, 500 + k);
        const out = tensor(new Float32Array(n * cols).fill(NaN), [n, cols]);
        lbfgsApply(mem, tensor(d, [n, cols]), out);
        const got = (await out.data()) as Float32Array;
        // f32 compact form vs the float64 two-loop: < 1e-5 relative (measured ≤ 1.4e-7).
        expect(relError(got, twoLoopRef(kept, d, n, cols, 1)), `append ${k}, ${cols} columns`).toBeLessThan(1e-5);
      }
      // The secant condition of the newest pair, H·y = s, holds only if it is applied last.
      const newest = kept.at(-1)!;
      const hy = tensor(new Float32Array(n).fill(NaN), [n, 1]);
      lbfgsApply(mem, tensor(Float32Array.from(newest.y), [n, 1]), hy);
      // To 1e-5 relative (measured ≤ 3.7e-9).
      expect(relError((await hy.data()) as Float32Array, newest.s), `append ${k}: H·y = s`).toBeLessThan(1e-5);
      expect(await mem.count()).toBe(kept.length);
    }
    expect([...((await diag.data()) as Uint32Array)]).toEqual([9, 2, 0, 0]);
    mem.dispose();
  });
});

// A small autoencoder (odd widths, batch 40) on random digits-like inputs in [0, 1].
const WIDTHS = [37, 21, 9, 21, 37];
const BATCH = 40;
const batchesOf = (count: number) => Array.from({ length: count }, (_, k) => ({ x: randomArray(BATCH * WIDTHS[0]!, 900 + k, 0, 1) }));

async function trained(memory: number | undefined, iterations: number, onStep?: (opt: KBFGS) => Promise<void>) {
  const model = new Autoencoder(WIDTHS, BATCH, 3);
  const opt = await KBFGS.create(model, { lr: 0.3, damping: 0.3, memory });
  const data = batchesOf(iterations);
  await opt.warmStart(data, data.length);
  for (const feeds of data) {
    await opt.step(feeds);
    await onStep?.(opt);
  }
  return { model, opt };
}

describe('K-BFGS(L) on an autoencoder 37-21-9-21-37 against float64', () => {
  it('memory 3, 12 iterations: the GPU ring holds the float64 shadow’s double-damped pairs, in order', async () => {
    const mu2 = Math.sqrt(0.3);
    let shadow: Pair[][] = [];
    let dropped = 0;
    let worst = 0;
    const { model, opt } = await trained(3, 12, async (opt) => {
      const layers = opt.state();
      if (!shadow.length) shadow = layers.map(() => []);
      for (const [l, st] of layers.entries()) {
        const n = st.s!.shape[0]!;
        const pairs = shadow[l]!;
        // The smoothed pair the GPU formed this iteration, damped against the shadow's H^g.
        const [s, y, g] = await Promise.all([st.s!, st.y!, st.gBar!].map(async (t) => (await t.data()) as Float32Array));
        const damped = doubleDampRef(s!, y!, twoLoopRef(pairs, identity(n), n, n, 1), 0.2, mu2);
        if (acceptsPair(damped.s, damped.y, g!)) {
          pairs.push({ s: damped.s, y: damped.y });
          if (pairs.length > 3) {
            pairs.shift();
            dropped++;
          }
        }
        const sy = (await st.SY!.data()) as Float32Array;
        const [count, head] = (await st.ring_info!.data()) as Uint32Array;
        expect(count, `layer ${l}`).toBe(pairs.length);
        const row = (r: number) => sy.subarray(r * n, r * n + n);
        pairs.forEach((p, i) => {
          // s of slot k in row k, its y in row 3 + k.
          const slot = (head! + 3 - count! + i) % 3;
          worst = Math.max(worst, relError(row(slot), p.s), relError(row(3 + slot), p.y));
        });
      }
    });
    opt.dispose();
    model.dispose();
    // Twelve f32 iterations vs float64 pairs: < 1e-4 relative (measured 2.1e-7).
    expect(worst).toBeLessThan(1e-4);
    expect(dropped).toBeGreaterThan(10);
  });

  it('memory 8 ≥ 6 iterations: the same parameters as K-BFGS', async () => {
    const params = async (memory: number | undefined) => {
      const { model, opt } = await trained(memory, 6);
      const out = await Promise.all(model.parameters.map(async (p) => (await p.data()) as Float32Array));
      const diag = await opt.diagnostics();
      opt.dispose();
      model.dispose();
      return { out, diag };
    };
    const dense = await params(undefined);
    const limited = await params(8);
    expect(limited.diag.updates).toBe(dense.diag.updates);
    expect(dense.diag.updates).toBeGreaterThan(0);
    // Dense f32 BFGS vs the f32 compact form of the same pairs: < 1e-5 relative (measured 9.5e-8).
    limited.out.forEach((p, i) => expect(relError(p, dense.out[i]!), `parameter ${i}`).toBeLessThan(1e-5));
    const initial = new Autoencoder(WIDTHS, BATCH, 3);
    // The steps were not no-ops.
    expect(relError(dense.out[0]!, (await initial.parameters[0]!.data()) as Float32Array)).toBeGreaterThan(1e-3);
    initial.dispose();
  });
});
