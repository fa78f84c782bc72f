// The one thing the executors (compiled plans and the eager batcher) ask of a profiler while they
// encode. The executors declare it and src/profile (above this layer) implements it.

export interface PassTimer {
  /**
   * Called once per dispatch while profiling; the executor then gives that dispatch a compute
   * pass of its own with these timestamp writes (undefined: the pass runs untimed).
   */
  timestampWrites(label: string): GPUComputePassTimestampWrites | undefined;
}
