// Benchmarks of the reproduction's building blocks on the current adapter: seconds per
// damped SPD inversion by size, and seconds per training iteration of each method on the
// reproduction's autoencoder in the steady state: the mean over one inverse period (T = 20
// iterations: one with inversions, 19 without) after K-FAC's first 20 iterations, which invert
// every time.
import { batches, type Dataset } from '../../data/batches.js';
import { runtime } from '../../graph/runtime.js';
import { invertSpd } from '../../kernels/linalg/spd-inverse.js';
import { tensor } from '../../tensor/create.js';
import { Autoencoder } from './autoencoder.js';
import { createMethod, settingLabel, type MethodSetting } from './methods.js';

export interface Timing {
  what: string;
  seconds: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Median seconds of (A + λI)⁻¹ for a diagonally dominant SPD A of each size. */
export async function inversionTimes(sizes: readonly number[], repeats = 3): Promise<Timing[]> {
  const rt = runtime();
  const out: Timing[] = [];
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
      if (r > 0) times.push((performance.now() - t0) / 1000); // the first run compiles pipelines
    }
    out.push({ what: `invert ${n}×${n}`, seconds: median(times) });
    for (const t of [src, dst, shift, status]) t.dispose();
  }
  return out;
}

/** Mean seconds per iteration of each method over `iterations` after `warmup` (the same batches for all). */
export async function iterationTimes(settings: readonly MethodSetting[], widths: readonly number[], train: Dataset, batchSize: number, iterations = 20, warmup = 20): Promise<Timing[]> {
  const rt = runtime();
  const out: Timing[] = [];
  const feeds = [...batches(train, { batchSize, shuffle: false })].map((b) => ({ x: b.x }));
  for (const setting of settings) {
    const model = new Autoencoder(widths, batchSize, 0);
    const method = await createMethod(setting, model, { lbfgsMemory: 20 });
    await method.warmStart(feeds, feeds.length);
    for (let k = 0; k < warmup; k++) await method.step(feeds[k % feeds.length]!);
    await rt.sync();
    const t0 = performance.now();
    for (let k = 0; k < iterations; k++) await method.step(feeds[(warmup + k) % feeds.length]!);
    await rt.sync();
    out.push({ what: settingLabel(setting), seconds: (performance.now() - t0) / 1000 / iterations });
    method.dispose();
    model.dispose();
  }
  return out;
}
