// The analysed model (overparam-convergence §1), S independent copies ("members") at once:
//   h_0 = x,  h_l = relu(h_(l−1)·W_l),  f = h_L·v
// with every W_l entry N(0, 2/m) and v uniform ±1, no biases. Members are stacked on a leading
// axis and run through batched GEMMs, so one compiled step trains every seed of a sweep point.
import { SeededRng } from '../../data/rng.js';
import { fail } from '../../device/errors.js';
import { noGrad } from '../../graph/autograd.js';
import { runtime } from '../../graph/runtime.js';
import { add, sub } from '../../kernels/elementwise/binary.js';
import { relu } from '../../kernels/elementwise/unary.js';
import { gemm, matmul } from '../../kernels/gemm/matmul.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { normal } from './data.js';

export interface NetShape {
  /** Input dimension d. */
  inputs: number;
  /** Hidden width m. */
  width: number;
  /** Hidden layers L. */
  layers: number;
}

/** One member's weights on the CPU: W_l stored [in, out] row-major, v [m]. */
export interface MemberWeights {
  W: Float32Array[];
  v: Float32Array;
}

/**
 * `correct`: the ReLU and its mask. `no-mask`: the forward is the same but the backward passes
 * the gradient through as if the ReLU were the identity — the spec's "broken ReLU mask" control.
 */
export type ReluMode = 'correct' | 'no-mask';

export function layerShapes({ inputs, width, layers }: NetShape): [number, number][] {
  return Array.from({ length: layers }, (_, l) => [l === 0 ? inputs : width, width]);
}

/** N(0, 2/m) weights and a ±1 output vector, from the seed alone (each layer its own stream). */
export function initWeights(shape: NetShape, seed: number): MemberWeights {
  const std = Math.sqrt(2 / shape.width);
  const W = layerShapes(shape).map(([i, o], l) => {
    const rng = new SeededRng(seed, 100 + l);
    return Float32Array.from({ length: i * o }, () => std * normal(rng));
  });
  const rng = new SeededRng(seed, 99);
  return { W, v: Float32Array.from({ length: shape.width }, () => (rng.nextFloat() < 0.5 ? -1 : 1)) };
}

export class ReluNetGroup {
  /** W_l as [S, in, m] leaves. */
  readonly W: Tensor[];
  /** v as [S, m, 1]. */
  readonly v: Tensor;

  constructor(readonly shape: NetShape, readonly init: readonly MemberWeights[]) {
    if (!init.length) fail('ReluNetGroup: no members given');
    const stack = (parts: readonly Float32Array[]) => {
      const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let at = 0;
      for (const p of parts) (out.set(p, at), (at += p.length));
      return out;
    };
    const shapes = layerShapes(shape);
    this.W = shapes.map(([i, o], l) => {
      for (const w of init) if (w.W[l]!.length !== i * o) fail(`ReluNetGroup: layer ${l + 1} weights hold ${w.W[l]!.length} values, expected ${i}×${o}`);
      return tensor(stack(init.map((w) => w.W[l]!)), [init.length, i, o], 'f32', `W${l + 1}`);
    });
    this.v = tensor(stack(init.map((w) => w.v)), [init.length, shape.width, 1], 'f32', 'v');
  }

  get members(): number {
    return this.init.length;
  }

  /** f [S, n, 1] for x [S, n, d]. */
  forward(x: Tensor, mode: ReluMode = 'correct'): Tensor {
    let h = x;
    for (const w of this.W) {
      if (mode === 'correct') {
        h = gemm(h, w, { transposeA: false, transposeB: false, activation: 'relu', caller: 'overparam' });
      } else {
        const z = matmul(h, w);
        // relu(z) in value, identity in gradient: the mask is missing.
        h = add(z, noGrad(() => sub(relu(z), z)));
      }
    }
    return matmul(h, this.v);
  }

  /** The members' current weights. */
  async read(): Promise<MemberWeights[]> {
    await runtime().flush();
    const W = await Promise.all(this.W.map(async (t) => (await t.data()) as Float32Array));
    const v = (await this.v.data()) as Float32Array;
    return this.init.map((_, s) => ({
      W: W.map((all) => all.slice((s * all.length) / this.members, ((s + 1) * all.length) / this.members)),
      v: v.slice(s * this.shape.width, (s + 1) * this.shape.width),
    }));
  }

  dispose(): void {
    for (const t of [...this.W, this.v]) t.dispose();
  }
}
