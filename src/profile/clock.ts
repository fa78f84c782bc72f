// Puts GPU timestamps on the CPU's performance.now() timeline. WebGPU says nothing about how its
// timestamp clock relates to the CPU's, so we assume one constant offset (both tick in real
// nanoseconds) and bound it from below: no pass can start on the GPU before it was encoded.
// The tightest such bound comes from a pass that found the GPU idle, which every profile has
// (the first pass after a sync), so mapped begins land at or just after their submits.

export class GpuClockAlignment {
  /** CPU ms minus GPU ms; -Infinity until a pass has been seen. */
  private offset = -Infinity;

  /** Tightens the bound with one pass: encoded at `encodedAt` (CPU ms), began at `beginNs` (GPU). */
  observe(encodedAt: number, beginNs: number): void {
    this.offset = Math.max(this.offset, encodedAt - beginNs / 1e6);
  }

  /** The CPU time (ms) of a GPU timestamp (ns). */
  toCpu(ns: number): number {
    return ns / 1e6 + this.offset;
  }
}
