// Chrome trace-event JSON from a profile, for the DevTools Performance panel ("Load profile").
// Entries are written as the browser itself records `performance.measure` with detail.devtools
// (blink.user_timing async pairs, detail as a JSON string), which DevTools turns into the
// custom "gradwgsl" track group; memory is also written as counter events for Perfetto.
import type { Profiler } from './profiler.js';
import { kernelEntry, memoryEntry, spanEntry, type TimelineEntry } from './tracks.js';

export interface TraceEvent {
  ph: string;
  cat: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  /** Scope of an instant event ('t': thread). */
  s?: string;
  id2?: { local: string };
  args: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  metadata: Record<string, unknown>;
}

const PID = 1;
const TID = 1;
const us = (ms: number) => Math.round(ms * 1000);

/** Everything the profiler recorded as timeline entries, in time order. */
export function timelineEntries(p: Pick<Profiler, 'kernels' | 'spans' | 'memory'>): TimelineEntry[] {
  const memory = p.memory.map((s, i) => memoryEntry(s, p.memory[i + 1]?.time ?? s.time));
  return [...p.spans.map(spanEntry), ...p.kernels.map(kernelEntry), ...memory].sort((a, b) => a.start - b.start);
}

export function chromeTrace(p: Pick<Profiler, 'kernels' | 'spans' | 'memory'>, metadata: Record<string, unknown> = {}): ChromeTrace {
  const entries = timelineEntries(p);
  // DevTools looks for user timings on a renderer's main thread, and its Performance panel draws
  // nothing until a TracingStartedInBrowser event names the traced page (DevTools' trace engine
  // alone accepts the file without it; the panel loaded it blank).
  const events: TraceEvent[] = [
    { ph: 'M', cat: '__metadata', name: 'process_name', pid: PID, tid: TID, ts: 0, args: { name: 'Renderer' } },
    { ph: 'M', cat: '__metadata', name: 'thread_name', pid: PID, tid: TID, ts: 0, args: { name: 'CrRendererMain' } },
    {
      ph: 'I', cat: 'disabled-by-default-devtools.timeline', name: 'TracingStartedInBrowser', pid: PID, tid: TID, s: 't',
      ts: us(Math.min(entries[0]?.start ?? 0, p.memory[0]?.time ?? Infinity)),
      args: { data: { frameTreeNodeId: 1, persistentIds: true, frames: [{ frame: 'gradwgsl', url: 'gradwgsl://node', name: 'gradwgsl', processId: PID }] } },
    },
  ];
  entries.forEach((e, i) => {
    const id2 = { local: `0x${(i + 1).toString(16)}` };
    const common = { cat: 'blink.user_timing', name: e.name, pid: PID, tid: TID, id2 };
    events.push(
      { ph: 'b', ...common, ts: us(e.start), args: { detail: JSON.stringify({ devtools: e.devtools }) } },
      { ph: 'e', ...common, ts: us(e.end), args: {} },
    );
  });
  for (const s of p.memory) {
    events.push({ ph: 'C', cat: 'gradwgsl', name: 'gradwgsl buffer pool', pid: PID, tid: TID, ts: us(s.time), args: { live: s.live, inUse: s.inUse, bytesLive: s.bytesLive } });
  }
  // The panel's time range ends at the last event that is not a user timing: mark the end of the
  // last entry, or zooming on the last steps is clamped away.
  const end = Math.max(...entries.map((e) => e.end), ...p.memory.map((s) => s.time));
  if (Number.isFinite(end)) events.push({ ph: 'I', cat: 'gradwgsl', name: 'end of profile', pid: PID, tid: TID, s: 't', ts: us(end), args: {} });
  return { traceEvents: events, metadata: { source: 'gradwgsl', ...metadata } };
}
