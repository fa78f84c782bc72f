// Full-batch gradient descent on the square loss (overparam-convergence §3, §6) for a group of
// members in one compiled plan: the loss ½·mean_i (f(x_i) − y_i)² per member, each member's own
// step size, and the stop rule (relative loss, or T_max) applied on the GPU, so the CPU reads
// back only every `chunk` steps.
import { fail } from '../../device/errors.js';
import { compile } from '../../graph/compile.js';
import { mulScalar } from '../../kernels/elementwise/unary.js';
import { mseLoss } from '../../kernels/loss/pointwise.js';
import { gdAdvance, gdGate, gdUpdate, type MemberGdBuffers } from './member-gd.js';
import { tensor, zeros } from '../../tensor/create.js';
import type { ReluMode, ReluNetGroup } from './net.js';

export interface GdOptions {
  /** Updates at most; the loss is recorded at steps 0..tmax. */
  tmax: number;
  /** Stop a member once its loss is at most relStop × its loss at step 0. */
  relStop: number;
  /** Which weights GD trains: the hidden layers (the analysed setting) or only v (a control). */
  trained: 'hidden' | 'output';
  relu: ReluMode;
  /** Steps between read-backs of the stop flags (default 200). */
  chunk?: number;
}

export interface MemberTrace {
  /** loss_t for t = 0..updates (after its stop the loss no longer changes). */
  losses: Float32Array;
  updates: number;
  /** Σ_t lr·‖g_t‖ over all trained weights jointly. */
  pathLength: number;
}

/**
 * Trains every member of `net` on its own data: x [S·n·d] and y [S·n] stacked by member, with
 * step sizes `lrs` [S]. The weights are updated in place.
 */
export async function gradientDescent(net: ReluNetGroup, x: Float32Array, y: Float32Array, lrs: readonly number[], opts: GdOptions, onChunk?: (step: number) => void): Promise<MemberTrace[]> {
  const S = net.members;
  const d = net.shape.inputs;
  const n = y.length / S;
  if (lrs.length !== S) fail(`gradientDescent: ${lrs.length} step sizes for ${S} members`);
  if (!Number.isInteger(n) || x.length !== S * n * d) fail(`gradientDescent: x holds ${x.length} values and y ${y.length}; expected ${S} members × n examples × ${d} inputs`);
  const params = opts.trained === 'hidden' ? net.W : [net.v];
  for (const t of [...net.W, net.v]) t.trainable(params.includes(t));
  const xs = tensor(x, [S, n, d]);
  const ys = tensor(y, [S, n, 1]);
  const buffers: MemberGdBuffers = {
    lr: tensor(lrs, [S]),
    track: tensor(Array.from({ length: S }, () => [1, 0, 0, 0]).flat(), [S, 4]),
    clock: tensor([0], [1], 'u32'),
    history: zeros([opts.tmax + 1, S]),
    gsq: zeros([params.length, S]),
  };
  const step = await compile({}, () => {
    const f = net.forward(xs, opts.relu);
    // Σ over members of each member's ½·mean loss: every member gets its own gradient.
    const loss = mulScalar(mseLoss(f, ys, 'sum'), 0.5 / n);
    loss.backward();
    gdGate(f, ys, buffers, { relStop: opts.relStop, tmax: opts.tmax });
    params.forEach((p, l) => gdUpdate(p, p.grad!, buffers, l));
    gdAdvance(buffers);
    return { loss };
  });
  try {
    const chunk = opts.chunk ?? 200;
    // Step tmax only records the last loss (the gate stops everyone there).
    for (let t = 0; t <= opts.tmax; ) {
      const end = Math.min(t + chunk, opts.tmax + 1);
      for (; t < end; t++) await step.run({});
      onChunk?.(t);
      const track = await buffers.track.data();
      if (Array.from({ length: S }, (_, s) => track[4 * s]).every((active) => active === 0)) break;
    }
    const track = await buffers.track.data();
    const history = await buffers.history.data();
    return Array.from({ length: S }, (_, s) => {
      const updates = track[4 * s + 1]!;
      return {
        losses: Float32Array.from({ length: updates + 1 }, (_, t) => history[t * S + s]!),
        updates,
        pathLength: track[4 * s + 2]!,
      };
    });
  } finally {
    step.dispose();
    for (const t of [xs, ys, ...Object.values(buffers)]) t.dispose();
  }
}
