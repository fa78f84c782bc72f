// How profile events appear on the DevTools Performance panel: a "gradwgsl" track group with
// one track for GPU kernels, one for CPU steps and one for pool memory. The same entries are
// written live in the browser (performance.measure) and into trace files from Node.
import type { KernelEvent, MemorySample, SpanEvent } from './profiler.js';

export const TRACK_GROUP = 'gradwgsl';
export const TRACKS = { kernels: 'GPU kernels', steps: 'CPU steps', memory: 'GPU memory (pool)' } as const;

/** The `detail.devtools` payload of the Performance panel's extensibility API. */
export interface DevtoolsTrackEntry {
  dataType: 'track-entry';
  track: string;
  trackGroup: string;
  color: 'primary' | 'secondary' | 'tertiary';
  tooltipText: string;
  properties: [string, string][];
}

export interface TimelineEntry {
  name: string;
  start: number;
  end: number;
  devtools: DevtoolsTrackEntry;
}

/** Splits a dispatch label `op(inputs) via kernel name` (see dispatchLabel in src/graph/runtime.ts). */
export function parseLabel(label: string): { op: string; inputs: string; kernel: string } {
  const m = /^(.*?)\((.*)\) via kernel (.*)$/.exec(label);
  return m ? { op: m[1]!, inputs: m[2]!, kernel: m[3]! } : { op: label, inputs: '', kernel: label };
}

const ms = (x: number) => x.toFixed(3);

export function kernelEntry(e: KernelEvent): TimelineEntry {
  const { op, inputs, kernel } = parseLabel(e.label);
  return {
    name: `${op} · ${kernel}`,
    start: e.start,
    end: e.end,
    devtools: {
      dataType: 'track-entry',
      track: TRACKS.kernels,
      trackGroup: TRACK_GROUP,
      color: 'tertiary',
      tooltipText: e.label,
      properties: [['op', op], ['inputs', inputs], ['kernel', kernel], ['gpu ms', ms(e.end - e.start)]],
    },
  };
}

export function spanEntry(e: SpanEvent): TimelineEntry {
  return {
    name: e.name,
    start: e.start,
    end: e.end,
    devtools: {
      dataType: 'track-entry',
      track: TRACKS.steps,
      trackGroup: TRACK_GROUP,
      color: 'primary',
      tooltipText: e.name,
      properties: [['cpu ms', ms(e.end - e.start)], ...Object.entries(e.props ?? {}).map(([k, v]): [string, string] => [k, String(v)])],
    },
  };
}

/** A sample shown as a bar lasting until the next one (DevTools has no custom counter tracks). */
export function memoryEntry(s: MemorySample, until: number): TimelineEntry {
  const mib = (s.bytesLive / 2 ** 20).toFixed(2);
  return {
    name: `${s.live} buffers, ${mib} MiB`,
    start: s.time,
    end: Math.max(until, s.time),
    devtools: {
      dataType: 'track-entry',
      track: TRACKS.memory,
      trackGroup: TRACK_GROUP,
      color: 'secondary',
      tooltipText: `buffer pool: ${s.live} live, ${s.inUse} in use, ${mib} MiB`,
      properties: [['live buffers', String(s.live)], ['in use', String(s.inUse)], ['MiB', mib]],
    },
  };
}
