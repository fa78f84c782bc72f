// GPU timestamps per compute pass through `timestamp-query`: passes write into query sets as
// they are encoded, and resolve() reads every written pair back in one submit (never one
// readback per kernel). Query sets are reused after each resolve.
import type { PassTimer } from '../graph/pass-timer.js';

/** WebGPU caps a query set at 4096 queries: 2048 passes, two timestamps each. */
const QUERIES_PER_SET = 4096;
/** Passes beyond this many sets between two resolve() calls run untimed (counted in `dropped`). */
const MAX_SETS = 16;

export interface PassTiming {
  label: string;
  /** performance.now() when the pass was encoded: the GPU cannot have started it earlier. */
  encodedAt: number;
  /** GPU clock, nanoseconds since the first timestamp this timer read. */
  beginNs: number;
  endNs: number;
}

interface QueryBlock {
  set: GPUQuerySet;
  resolved: GPUBuffer;
  readback: GPUBuffer;
  passes: { label: string; encodedAt: number }[];
}

export class GpuTimestamps implements PassTimer {
  private readonly blocks: QueryBlock[] = [];
  private current = 0;
  private origin: bigint | null = null;
  /** Passes that ran untimed because every query set was full. */
  dropped = 0;

  constructor(private readonly device: GPUDevice) {}

  timestampWrites(label: string): GPUComputePassTimestampWrites | undefined {
    let block = this.blocks[this.current];
    if (block && block.passes.length * 2 === QUERIES_PER_SET) block = this.blocks[++this.current];
    if (!block) {
      if (this.blocks.length === MAX_SETS) {
        this.dropped++;
        return undefined;
      }
      block = this.newBlock();
    }
    const i = block.passes.length;
    block.passes.push({ label, encodedAt: performance.now() });
    return { querySet: block.set, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  private newBlock(): QueryBlock {
    const bytes = QUERIES_PER_SET * 8;
    const block: QueryBlock = {
      set: this.device.createQuerySet({ label: 'profile/timestamps', type: 'timestamp', count: QUERIES_PER_SET }),
      resolved: this.device.createBuffer({ label: 'profile/resolved', size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      readback: this.device.createBuffer({ label: 'profile/readback', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      passes: [],
    };
    this.blocks.push(block);
    return block;
  }

  /**
   * Reads back the timestamps of every pass encoded since the last call, in encoding order.
   * Submit the work that wrote them first, and do not call it again before it settles.
   * Passes the GPU left unwritten (zeros) are skipped.
   */
  async resolve(): Promise<PassTiming[]> {
    // Taken and reset synchronously: passes encoded while we wait reuse the slots, which is safe
    // because their writes are queued after this resolve.
    const batch = this.blocks.filter((b) => b.passes.length > 0).map((b) => ({ block: b, passes: b.passes }));
    if (!batch.length) return [];
    const encoder = this.device.createCommandEncoder({ label: 'profile/resolve' });
    for (const { block, passes } of batch) {
      block.passes = [];
      encoder.resolveQuerySet(block.set, 0, passes.length * 2, block.resolved, 0);
      encoder.copyBufferToBuffer(block.resolved, 0, block.readback, 0, passes.length * 16);
    }
    this.current = 0;
    this.device.queue.submit([encoder.finish()]);
    await Promise.all(batch.map(({ block, passes }) => block.readback.mapAsync(GPUMapMode.READ, 0, passes.length * 16)));
    const out: PassTiming[] = [];
    for (const { block, passes } of batch) {
      const ticks = new BigUint64Array(block.readback.getMappedRange(0, passes.length * 16));
      passes.forEach((p, i) => {
        const begin = ticks[2 * i]!;
        const end = ticks[2 * i + 1]!;
        if (begin === 0n || end < begin) return;
        this.origin ??= begin;
        out.push({ ...p, beginNs: Number(begin - this.origin), endNs: Number(end - this.origin) });
      });
      block.readback.unmap();
    }
    return out;
  }

  destroy(): void {
    for (const b of this.blocks) {
      b.set.destroy();
      b.resolved.destroy();
      b.readback.destroy();
    }
    this.blocks.length = 0;
  }
}
