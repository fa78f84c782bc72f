// The profiler: GPU time per dispatch (when the device has `timestamp-query`), CPU spans for the
// steps around them and memory samples from the buffer pool, all on the performance.now()
// timeline. Trace export, the summary table and DevTools entries all read what it records.
import { fail } from '../device/errors.js';
import type { Runtime } from '../graph/runtime.js';
import { GpuClockAlignment } from './clock.js';
import { GpuTimestamps, type PassTiming } from './timestamps.js';

/** One dispatch as the GPU ran it; times in CPU ms (performance.now()). */
export interface KernelEvent {
  /** The dispatch label: op, input shapes and kernel. */
  label: string;
  start: number;
  end: number;
}

/** A stretch of CPU-side work (a training step, a compile); times in ms. */
export interface SpanEvent {
  name: string;
  start: number;
  end: number;
  props?: Record<string, string | number>;
}

/** The buffer pool at one moment (runtime().stats()). */
export interface MemorySample {
  time: number;
  live: number;
  inUse: number;
  bytesLive: number;
}

/** Told about events as they are recorded, e.g. to show them live in DevTools. */
export interface ProfileListener {
  kernels?(events: readonly KernelEvent[]): void;
  span?(event: SpanEvent): void;
  memory?(sample: MemorySample): void;
}

export class Profiler {
  private readonly timestamps: GpuTimestamps | null;
  private readonly clock = new GpuClockAlignment();
  private readonly passes: PassTiming[] = [];
  private collecting: Promise<readonly KernelEvent[]> = Promise.resolve([]);
  readonly spans: SpanEvent[] = [];
  readonly memory: MemorySample[] = [];

  constructor(
    private readonly rt: Runtime,
    private readonly listener: ProfileListener = {},
  ) {
    this.timestamps = rt.gpu.has('timestamp-query') ? new GpuTimestamps(rt.gpu.device) : null;
  }

  /** Whether kernels get GPU times (the device has `timestamp-query`); spans and memory work regardless. */
  get timesKernels(): boolean {
    return this.timestamps !== null;
  }

  /** Passes that ran untimed because too many were encoded between two collect() calls. */
  get droppedPasses(): number {
    return this.timestamps?.dropped ?? 0;
  }

  /** Starts timing every dispatch (each then runs in a compute pass of its own). */
  start(): void {
    if (!this.timestamps) return;
    if (this.rt.passTimer && this.rt.passTimer !== this.timestamps) fail('profiler: another profiler is already running; stop() it first');
    this.rt.submit(); // an open untimed pass must end before timed ones begin
    this.rt.passTimer = this.timestamps;
  }

  /** Stops timing; dispatches share one pass again. Recorded events stay. */
  stop(): void {
    if (this.rt.passTimer !== this.timestamps) return;
    this.rt.submit();
    this.rt.passTimer = null;
  }

  /** Records a span of CPU work that happened between `start` and `end`. */
  recordSpan(name: string, start: number, end: number, props?: SpanEvent['props']): void {
    const event: SpanEvent = { name, start, end, ...(props ? { props } : {}) };
    this.spans.push(event);
    this.listener.span?.(event);
  }

  /** Runs `fn` and records it as a CPU span. */
  async span<T>(name: string, fn: () => T | Promise<T>, props?: SpanEvent['props']): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.recordSpan(name, start, performance.now(), props);
    }
  }

  /** Samples the buffer pool now. */
  sampleMemory(): MemorySample {
    const sample = { time: performance.now(), ...this.rt.stats() };
    this.memory.push(sample);
    this.listener.memory?.(sample);
    return sample;
  }

  /**
   * Submits pending work and reads back the GPU times of every dispatch since the last call,
   * in one batch. Returns the new kernel events. Calls are queued, so it may be fired and forgotten.
   */
  collect(): Promise<readonly KernelEvent[]> {
    this.collecting = this.collecting.then(async () => {
      if (!this.timestamps) return [];
      this.rt.submit();
      const passes = await this.timestamps.resolve();
      for (const p of passes) this.clock.observe(p.encodedAt, p.beginNs);
      this.passes.push(...passes);
      const events = passes.map((p) => this.toEvent(p));
      if (events.length) this.listener.kernels?.(events);
      return events;
    });
    return this.collecting;
  }

  private toEvent(p: PassTiming): KernelEvent {
    return { label: p.label, start: this.clock.toCpu(p.beginNs), end: this.clock.toCpu(p.endNs) };
  }

  /** Every kernel collected so far, placed with the best clock alignment known now. */
  get kernels(): KernelEvent[] {
    return this.passes.map((p) => this.toEvent(p));
  }

  /** Stops timing, waits for a pending collect() and frees the query sets. */
  async dispose(): Promise<void> {
    this.stop();
    await this.collecting.catch(() => undefined);
    this.timestamps?.destroy();
  }
}
