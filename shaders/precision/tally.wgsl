// Two u32 tallies (e.g. updates or values lost to rounding, and the nonzero ones) summed in
// workgroup memory, then added to the global `counts` with one atomic per workgroup instead of
// one per thread. A function library with no entry point: the kernel concatenating it declares
// `var<storage, read_write> counts: array<atomic<u32>>` at a binding of its own.

var<workgroup> wg_counts: array<atomic<u32>, 2>;

// Adds this thread's (tally 0, tally 1); a thread whose tally 1 is zero adds nothing.
fn tally_add(stats: vec2<u32>) {
  if (stats.y > 0u) {
    atomicAdd(&wg_counts[0], stats.x);
    atomicAdd(&wg_counts[1], stats.y);
  }
}

// Adds the workgroup's sums to counts. Every invocation must reach it (it holds a barrier).
fn tally_flush(lid: u32) {
  workgroupBarrier();
  if (lid == 0u) {
    atomicAdd(&counts[0], atomicLoad(&wg_counts[0]));
    atomicAdd(&counts[1], atomicLoad(&wg_counts[1]));
  }
}
