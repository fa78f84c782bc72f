// K-FAC (the K-BFGS authors' variant, and with π-damping) on the GPU against a float64 run of
// the same iterations on a tiny two-layer network whose "sampled" targets are fixed: the fixed
// factor average ρ = 0.9 after the warm start, as the authors' final code runs it.
import { beforeAll, describe, expect, it } from 'vitest';
import { KFAC } from '../../src/optim/kfac.js';
import { gpu, relError } from '../setup.js';
import { maxRelError } from '../linalg/reference.js';
import { TARGET, X, gpuProblem, kfacRef, packedParams } from '../linalg/tiny-network.js';

beforeAll(gpu);

const feeds = { x: X, t: TARGET };
const BASE = { lr: 0.3, damping: 0.1, inverseEvery: 2, momentum: 0.9, weightDecay: 1e-3, factorDecay: 0.9, iterations: 5 };

describe('K-FAC vs float64, 5 iterations of a 5-4-3 network (batch 7)', () => {
  for (const piDamping of [false, true]) {
    it(piDamping ? 'with π-damping' : "the authors' damping √λ on both factors", async () => {
      const { problem, params } = gpuProblem();
      const opt = await KFAC.create(problem, { ...BASE, piDamping });
      await opt.warmStart([feeds], 1);
      for (let k = 0; k < BASE.iterations; k++) await opt.step(feeds);
      const ref = kfacRef({ ...BASE, piDamping });
      const got = await packedParams(params);
      // f32 vs float64 over 5 steps with 4 inversions: < 1e-5 relative per layer.
      got.forEach((wb, l) => expect(relError(wb, ref.wb[l]!), `layer ${l} [w|b]`).toBeLessThan(1e-5));
      for (const [l, st] of opt.state().entries()) {
        expect(maxRelError((await st.Ginv!.data()) as Float32Array, ref.hg[l]!), `layer ${l} G⁻¹`).toBeLessThan(1e-5);
      }
      expect(relError(got[1]!, (await packedParams(gpuProblem().params))[1]!)).toBeGreaterThan(1e-3);
      // The control: the older schedule ρ_k = min(1 − 1/(k+1), 0.9) gives other parameters.
      const ramp = kfacRef({ ...BASE, piDamping, rho: 'ramp' });
      expect(Math.max(...got.map((wb, l) => relError(wb, ramp.wb[l]!)))).toBeGreaterThan(1e-3);
      opt.dispose();
    });
  }

  it('a diverged factor (NaN) stops the run with the SPD error', async () => {
    const { problem } = gpuProblem();
    const opt = await KFAC.create(problem, BASE);
    await opt.warmStart([feeds], 1);
    await expect(opt.step({ x: X.map(() => NaN), t: TARGET })).rejects.toThrow(/K-FAC, inverse 0: the damped matrix is not positive definite/);
    opt.dispose();
  });
});
