// The CPU-only parts of profiling: clock alignment, the per-kernel table, the trace format.
import { describe, expect, it } from 'vitest';
import { GpuClockAlignment } from '../../src/profile/clock.js';
import type { KernelEvent, MemorySample, SpanEvent } from '../../src/profile/profiler.js';
import { formatSummary, kernelSummary } from '../../src/profile/summary.js';
import { chromeTrace } from '../../src/profile/trace.js';
import { TRACK_GROUP, TRACKS, parseLabel } from '../../src/profile/tracks.js';

const MM = 'gemm(f32[7,5], f32[5,3]) via kernel gemm/tiled';
const ADD = 'binary(f32[7,3], f32[3]) via kernel elementwise/binary';

describe('GPU clock alignment', () => {
  it('uses the tightest "not before it was encoded" bound', () => {
    const clock = new GpuClockAlignment();
    // GPU clock in ns; encode times in CPU ms. The second pass found the GPU idle (tightest).
    clock.observe(100, 5_000_000); // offset ≥ 95
    clock.observe(130, 20_000_000); // offset ≥ 110
    clock.observe(131, 40_000_000); // offset ≥ 91
    expect(clock.toCpu(20_000_000)).toBeCloseTo(130, 9);
    expect(clock.toCpu(40_000_000)).toBeCloseTo(150, 9);
  });
});

describe('kernel summary', () => {
  const kernels: KernelEvent[] = [
    { label: MM, start: 0, end: 3 },
    { label: ADD, start: 3, end: 4 },
    { label: MM, start: 10, end: 15 },
  ];

  it('groups by label with count, total, mean and share of step time', () => {
    const rows = kernelSummary(kernels, 20);
    expect(rows.map((r) => r.label)).toEqual([MM, ADD]);
    expect(rows[0]).toMatchObject({ count: 2, totalMs: 8, meanMs: 4, percentOfStep: 40 });
    expect(rows[1]).toMatchObject({ count: 1, totalMs: 1, meanMs: 1, percentOfStep: 5 });
  });

  it('prints every row and the GPU-busy total', () => {
    const text = formatSummary(kernelSummary(kernels, 20), 20, 2);
    expect(text).toContain(MM);
    expect(text).toMatch(/\s3\s+9\.000\s+45\.0\s+GPU busy, over 2 steps of 10\.00 ms wall each/);
  });
});

describe('trace-event export', () => {
  const kernels: KernelEvent[] = [{ label: MM, start: 1.5, end: 2.25 }];
  const spans: SpanEvent[] = [{ name: 'step 2', start: 1, end: 3, props: { loss: '2.3000' } }];
  const memory: MemorySample[] = [
    { time: 1, live: 4, inUse: 3, bytesLive: 2 ** 20 },
    { time: 3, live: 5, inUse: 3, bytesLive: 2 ** 21 },
  ];

  it('writes user-timing pairs whose detail puts them on the gradwgsl tracks', () => {
    const trace = chromeTrace({ kernels, spans, memory }, { job: 'test' });
    expect(trace.metadata).toMatchObject({ source: 'gradwgsl', job: 'test' });
    const begins = trace.traceEvents.filter((e) => e.ph === 'b');
    const ends = trace.traceEvents.filter((e) => e.ph === 'e');
    expect(begins.length).toBe(4); // one span, one kernel, two memory bars
    expect(ends.map((e) => e.id2!.local).sort()).toEqual(begins.map((e) => e.id2!.local).sort());
    const kernel = begins.find((e) => e.name === 'gemm · gemm/tiled')!;
    expect(kernel.ts).toBe(1500);
    expect(ends.find((e) => e.id2!.local === kernel.id2!.local)!.ts).toBe(2250);
    const detail = JSON.parse(kernel.args.detail as string).devtools;
    expect(detail).toMatchObject({ dataType: 'track-entry', track: TRACKS.kernels, trackGroup: TRACK_GROUP, tooltipText: MM });
    expect(detail.properties).toContainEqual(['gpu ms', '0.750']);
    const step = JSON.parse(begins.find((e) => e.name === 'step 2')!.args.detail as string).devtools;
    expect(step.track).toBe(TRACKS.steps);
    expect(step.properties).toContainEqual(['loss', '2.3000']);
    const counters = trace.traceEvents.filter((e) => e.ph === 'C');
    expect(counters.map((c) => c.args.live)).toEqual([4, 5]);
  });

  it('names the traced page before the first entry (the Performance panel draws nothing without it)', () => {
    const trace = chromeTrace({ kernels, spans, memory });
    const started = trace.traceEvents.filter((e) => e.name === 'TracingStartedInBrowser');
    expect(started.length).toBe(1);
    expect(started[0]!.ts).toBe(1000); // the first entry: the step span at 1 ms
    expect(Math.min(...trace.traceEvents.filter((e) => e.ph === 'b').map((e) => e.ts))).toBeGreaterThanOrEqual(started[0]!.ts);
  });

  it('marks the end of the last entry (the panel range stops at the last event that is not a user timing)', () => {
    const trace = chromeTrace({ kernels, spans, memory });
    const last = trace.traceEvents.at(-1)!;
    expect(last).toMatchObject({ ph: 'I', name: 'end of profile', ts: 3000 });
    expect(Math.max(...trace.traceEvents.map((e) => e.ts))).toBe(3000);
  });

  it('parses dispatch labels, and keeps unknown ones whole', () => {
    expect(parseLabel(MM)).toEqual({ op: 'gemm', inputs: 'f32[7,5], f32[5,3]', kernel: 'gemm/tiled' });
    expect(parseLabel('copy')).toEqual({ op: 'copy', inputs: '', kernel: 'copy' });
  });
});
