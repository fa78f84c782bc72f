// Live entries on the DevTools Performance panel while the page runs: the extensibility API
// (performance.measure with detail.devtools, Chrome 129+) on the "gradwgsl" track group.
// Other browsers ignore the detail and keep ordinary user timings.
import type { MemorySample, ProfileListener } from './profiler.js';
import { kernelEntry, memoryEntry, spanEntry, type TimelineEntry } from './tracks.js';

function measure(e: TimelineEntry): void {
  performance.measure(e.name, { start: e.start, end: e.end, detail: { devtools: e.devtools } });
  // The trace has it now; dropping the PerformanceEntry keeps long runs from piling them up.
  performance.clearMeasures(e.name);
}

/** A listener for `new Profiler(rt, devtoolsTimeline())`. */
export function devtoolsTimeline(): ProfileListener {
  let previous: MemorySample | null = null;
  return {
    kernels: (events) => events.forEach((e) => measure(kernelEntry(e))),
    span: (e) => measure(spanEntry(e)),
    // A memory bar lasts until the next sample, so each is drawn when its successor arrives.
    memory: (s) => {
      if (previous) measure(memoryEntry(previous, s.time));
      previous = s;
    },
  };
}
