// The K-BFGS authors' SGD-momentum / Adam / RMSprop (our spec §7) against float64 rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthorsFirstOrder } from '../../src/optim/authors-first-order.js';
import type { AuthorsMode } from '../../src/kernels/optim/authors-first-order.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray, relError } from '../setup.js';

beforeAll(gpu);

const [lr, rho, beta2, eps, tau] = [0.05, 0.9, 0.9, 1e-4, 0.01];

/** One step at 1-based t of the authors' rule, float64, in place. */
function rule(mode: AuthorsMode, p: Float64Array, g: ArrayLike<number>, d: Float64Array, v: Float64Array, t: number): void {
  for (let i = 0; i < p.length; i++) {
    d[i] = rho * d[i]! + (1 - rho) * (g[i]! + tau * p[i]!);
    if (mode === 'sgd') {
      p[i]! -= lr * d[i]!;
      continue;
    }
    v[i] = beta2 * v[i]! + (1 - beta2) * d[i]! ** 2;
    if (mode === 'adam') p[i]! -= (lr * (d[i]! / (1 - rho ** t))) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + eps);
    else p[i]! -= (lr * d[i]!) / (Math.sqrt(v[i]!) + eps);
  }
}

describe('AuthorsFirstOrder vs float64, 3 steps on [7, 33]', () => {
  for (const mode of ['sgd', 'adam', 'rmsprop'] as const) {
    it(mode, async () => {
      const p0 = randomArray(7 * 33, 1);
      const param = tensor(p0, [7, 33]).trainable();
      const opt = new AuthorsFirstOrder(mode, [param], { lr, momentum: rho, beta2, eps, weightDecay: tau });
      const ref = Float64Array.from(p0);
      const [d, v] = [new Float64Array(ref.length), new Float64Array(ref.length)];
      for (let t = 1; t <= 3; t++) {
        const g = randomArray(ref.length, 10 + t);
        param.grad = tensor(g, [7, 33]);
        opt.step();
        rule(mode, ref, g, d, v, t);
      }
      // f32 vs float64: < 1e-6 relative (Adam's first steps divide by small √v: < 1e-5).
      expect(relError((await param.data()) as Float32Array, ref)).toBeLessThan(mode === 'sgd' ? 1e-6 : 1e-5);
      expect(relError((await param.data()) as Float32Array, p0)).toBeGreaterThan(1e-3);
    });
  }

  it('accumulateSecondMoment adds scale·(g + τθ)² (RMSprop warm start)', async () => {
    const p0 = randomArray(11, 3);
    const g = randomArray(11, 4);
    const param = tensor(p0, [11]).trainable();
    const opt = new AuthorsFirstOrder('rmsprop', [param], { lr, weightDecay: tau });
    param.grad = tensor(g, [11]);
    opt.accumulateSecondMoment(0.25);
    opt.accumulateSecondMoment(0.25);
    const v = (await opt.state()['0.second']!.data()) as Float32Array;
    expect(relError(v, Array.from(g, (x, i) => 0.5 * (x + tau * p0[i]!) ** 2))).toBeLessThan(1e-6);
  });
});
