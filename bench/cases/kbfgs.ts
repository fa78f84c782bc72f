// Issue 4: the K-FAC / K-BFGS reproduction's building blocks on the current adapter, gradwgsl
// only: milliseconds per damped SPD inversion by size, and per training iteration of each method
// on the reproduction's autoencoder in the steady state, the mean over one inverse period
// (T = 20 iterations: one with inversions, 19 without) after K-FAC's first 20 iterations, which
// invert every time. `--quick` shrinks both to a smoke run.
import { batches, subset, type Dataset } from '../../src/data/batches.js';
import { loadMnist } from '../../src/node/mnist.js';
import { runtime } from '../../src/graph/runtime.js';
import { invertSpd } from '../../src/kernels/linalg/spd-inverse.js';
import { Autoencoder } from '../../src/experiments/kbfgs/autoencoder.js';
import { createMethod, settingLabel, type MethodSetting } from '../../src/experiments/kbfgs/methods.js';
import { tensor } from '../../src/tensor/create.js';
import type { BenchOptions } from '../options.js';
import { row, round, type Row } from '../row.js';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Median ms of (A + λI)⁻¹ for a diagonally dominant SPD A of each size. */
async function inversionRows(sizes: readonly number[], repeats: number): Promise<Row[]> {
  const rt = runtime();
  const rows: Row[] = [];
  for (const n of sizes) {
    const a = new Float32Array(n * n).map((_, i) => (i % (n + 1) === 0 ? 2 : 1 / n));
    const [src, dst] = [tensor(a, [n, n]), tensor(new Float32Array(n * n), [n, n])];
    const [shift, status] = [tensor([0.1], [1]), tensor([0], [1], 'u32')];
    const times: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      await rt.sync();
      const t0 = performance.now();
      invertSpd(dst, src, shift, status);
      await rt.sync();
      if (r > 0) times.push(performance.now() - t0); // the first run compiles pipelines
    }
    rows.push(row(`kbfgs/invert-${n}`, `SPD inversion ${n}×${n}`, 'ms', { gradwgsl: round(median(times), 3) }));
    for (const t of [src, dst, shift, status]) t.dispose();
  }
  return rows;
}

/** Mean ms per iteration of each method over `iterations` after `warmup` (the same batches for all). */
async function iterationRows(settings: readonly MethodSetting[], widths: readonly number[], train: Dataset, batchSize: number, iterations: number, warmup: number): Promise<Row[]> {
  const rt = runtime();
  const rows: Row[] = [];
  const feeds = [...batches(train, { batchSize, shuffle: false })].map((b) => ({ x: b.x }));
  for (const setting of settings) {
    const model = new Autoencoder(widths, batchSize, 0);
    const method = await createMethod(setting, model);
    await method.warmStart(feeds, feeds.length);
    for (let k = 0; k < warmup; k++) await method.step(feeds[k % feeds.length]!);
    await rt.sync();
    const t0 = performance.now();
    for (let k = 0; k < iterations; k++) await method.step(feeds[(warmup + k) % feeds.length]!);
    await rt.sync();
    const ms = (performance.now() - t0) / iterations;
    rows.push(row(`kbfgs/iteration-${setting.kind}`, `${settingLabel(setting)}, ms/iteration`, 'ms', { gradwgsl: round(ms, 2) }));
    method.dispose();
    model.dispose();
  }
  return rows;
}

// Learning rates do not change the work done; damping 1 keeps every method finite.
const METHODS: readonly MethodSetting[] = [
  { kind: 'kfac', lr: 0.1, damping: 1 },
  { kind: 'kbfgs', lr: 0.1, damping: 1 },
  { kind: 'kbfgs-l', lr: 0.1, damping: 1, memory: 20 },
  { kind: 'adam', lr: 1e-4 },
  { kind: 'sgdm', lr: 1e-3 },
  { kind: 'adam-authors', lr: 1e-4 },
  { kind: 'rmsprop-authors', lr: 1e-4 },
];

export async function kbfgsCase(ctx: { opts: BenchOptions; log(message: string): void }): Promise<Row[]> {
  const quick = ctx.opts.quick;
  ctx.log('K-FAC / K-BFGS: SPD inversions');
  const rows = await inversionRows(quick ? [2, 33] : [2, 33, 129, 257, 513, 785, 1025], quick ? 1 : 3);
  ctx.log('K-FAC / K-BFGS: training iterations on the MNIST autoencoder');
  const { train } = await loadMnist();
  // The spec's full-size autoencoder, batch and training set (the second-order methods' warm
  // start is one pass over it), or small ones.
  const widths = quick ? [784, 16, 784] : [784, 256, 128, 32, 128, 256, 784];
  const methods = quick ? METHODS.filter((m) => m.kind === 'kfac' || m.kind === 'kbfgs') : METHODS;
  const data = quick ? subset(train, Array.from({ length: 64 }, (_, i) => i), 'bench subset') : train;
  rows.push(...(await iterationRows(methods, widths, data, quick ? 16 : 500, quick ? 2 : 20, quick ? 1 : 20)));
  return rows;
}
