// The profiler on the real device: every dispatch of a compiled plan and of eager work gets a
// GPU time, results are unchanged by the timed passes, and the CLI job writes a loadable trace.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileMnistMlp } from '../../src/cli/profile.js';
import { compile } from '../../src/graph/compile.js';
import type { Runtime } from '../../src/graph/runtime.js';
import { add, mul } from '../../src/kernels/elementwise/binary.js';
import { tanh } from '../../src/kernels/elementwise/unary.js';
import { sum } from '../../src/kernels/reduce/reduce.js';
import { Profiler } from '../../src/profile/profiler.js';
import type { ChromeTrace } from '../../src/profile/trace.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu, randomArray } from '../setup.js';

let rt: Runtime;
beforeAll(async () => {
  rt = await gpu();
  // Every test here needs GPU times; an adapter without them would make them pass vacuously.
  expect(rt.gpu.has('timestamp-query')).toBe(true);
});

const model = (x: any, w: any) => sum(tanh(add(mul(x, w), x)), 1);

describe('profiler', () => {
  it('without timestamp-query, leaves dispatches untimed but still records spans and memory', async () => {
    const stub = { gpu: { has: () => false }, passTimer: null, submit: () => undefined, stats: () => ({ live: 2, inUse: 1, bytesLive: 512 }) };
    const profiler = new Profiler(stub as unknown as Runtime);
    profiler.start();
    expect(stub.passTimer).toBeNull();
    expect(profiler.timesKernels).toBe(false);
    await profiler.span('step 1', () => undefined);
    profiler.sampleMemory();
    expect(await profiler.collect()).toEqual([]);
    expect(profiler.spans.map((s) => s.name)).toEqual(['step 1']);
    expect(profiler.memory[0]).toMatchObject({ live: 2, inUse: 1, bytesLive: 512 });
  });

  it('times every dispatch of a compiled plan, in order, without changing its results', async () => {
    const w = tensor(randomArray(37, 1), [37]);
    const xData = randomArray(19 * 37, 2);
    const step = await compile({ x: { shape: [19, 37] } }, ({ x }) => ({ y: model(x!, w) }));
    const plain = await step.run({ x: xData }, { read: ['y'] });

    const profiler = new Profiler(rt);
    profiler.start();
    const encoded = performance.now();
    const timed = await step.run({ x: xData }, { read: ['y'] });
    await step.run({ x: xData });
    profiler.stop();
    const events = await profiler.collect();
    await profiler.dispose();

    expect([...timed.y!]).toEqual([...plain.y!]);
    const labels = step.plan.dispatches.map((d) => d.label);
    expect(events.map((e) => e.label)).toEqual([...labels, ...labels]);
    for (const [i, e] of events.entries()) {
      expect(e.end).toBeGreaterThanOrEqual(e.start);
      expect(e.start).toBeGreaterThanOrEqual(encoded - 1e-6);
      if (i > 0) expect(e.start).toBeGreaterThanOrEqual(events[i - 1]!.end - 1e-6);
    }
    expect(events.at(-1)!.end).toBeLessThanOrEqual(performance.now());
    // Two runs of the same plan take GPU time, not nothing.
    expect(events.reduce((s, e) => s + e.end - e.start, 0)).toBeGreaterThan(0);
    step.dispose();
  });

  it('times eager dispatches, batches several collects, and leaves eager results unchanged', async () => {
    const x = tensor(randomArray(23 * 11, 3), [23, 11]);
    const w = tensor(randomArray(11, 4), [11]);
    const plain = await model(x, w).data();
    const profiler = new Profiler(rt);
    profiler.start();
    const first = await model(x, w).data();
    const a = await profiler.collect();
    const second = await model(x, w).data();
    profiler.stop();
    const b = await profiler.collect();
    await profiler.dispose();
    expect([...first]).toEqual([...plain]);
    expect([...second]).toEqual([...plain]);
    expect(a.map((e) => e.label)).toEqual(b.map((e) => e.label));
    expect(a.map((e) => e.label.split(' via kernel ')[1])).toEqual(['elementwise/binary', 'elementwise/binary', 'elementwise/unary', 'reduce/axis']);
    expect(profiler.kernels.length).toBe(a.length + b.length);
    expect(rt.passTimer).toBeNull();
  });

  it('`gradwgsl profile mnist-mlp` writes a trace with kernels, steps and memory, and a table', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gradwgsl-profile-')), 'trace.json');
    const summary = await profileMnistMlp({ steps: 2, warmup: 1, batch: 32, optimizer: 'sgd', momentum: 0.9, seed: 1, out, json: true });
    expect(summary.steps).toBe(2);
    expect(summary.timestampQuery).toBe(true);
    expect(summary.kernels.some((r) => r.label.startsWith('gemm('))).toBe(true);
    expect(summary.kernels.every((r) => r.count % 2 === 0)).toBe(true); // each dispatch once per step
    const trace = JSON.parse(readFileSync(out, 'utf8')) as ChromeTrace;
    const tracks = new Map<string, number>();
    for (const e of trace.traceEvents) {
      if (e.ph !== 'b') continue;
      const { track, trackGroup } = JSON.parse(e.args.detail as string).devtools;
      expect(trackGroup).toBe('gradwgsl');
      tracks.set(track, (tracks.get(track) ?? 0) + 1);
    }
    const dispatches = summary.kernels.reduce((s, r) => s + r.count, 0);
    expect(Object.fromEntries(tracks)).toEqual({ 'GPU kernels': dispatches, 'CPU steps': 3, 'GPU memory (pool)': 3 });
  });
});
