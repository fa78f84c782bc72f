// The one thing the executors (compiled plans and the eager batcher) ask of a profiler while they
// encode. Kept apart from the profiler itself so the core depends on a type only.

export interface PassTimer {
  /**
   * Called once per dispatch while profiling; the executor then gives that dispatch a compute
   * pass of its own with these timestamp writes (undefined: the pass runs untimed).
   */
  timestampWrites(label: string): GPUComputePassTimestampWrites | undefined;
}
