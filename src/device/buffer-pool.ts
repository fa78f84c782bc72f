// Storage buffers are recycled by size class so a training loop allocates nothing once warm.
// Counts of live and in-use buffers make leaks visible per step.
import { checkStorageSize } from './limits.js';

const USAGE_STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Rounds up to one of 4 classes per power of two (at most 25% waste), in whole 256-byte blocks. */
export function sizeClass(bytes: number): number {
  const b = Math.max(256, Math.ceil(bytes / 256) * 256);
  const p = 2 ** Math.floor(Math.log2(b));
  const step = Math.max(256, p / 4);
  return Math.ceil(b / step) * step;
}

/**
 * The size to create for `bytes` of storage: its size class, or just the bytes in whole words
 * where rounding up to the class would pass maxBufferSize (a tensor close to the limit).
 */
export function allocationSize(limits: GPUSupportedLimits, bytes: number, what: string): number {
  checkStorageSize(limits, bytes, what);
  const size = sizeClass(bytes);
  return size <= limits.maxBufferSize ? size : Math.ceil(bytes / 4) * 4;
}

export interface PoolStats {
  /** GPU buffers that exist (in use or idle in the pool). */
  live: number;
  /** Buffers handed out and not yet released. */
  inUse: number;
  bytesLive: number;
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private readonly created = new WeakSet<GPUBuffer>();
  private live = 0;
  private inUse = 0;
  private bytesLive = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least `bytes`; `what` names the tensor in the error when it is too big. */
  acquire(bytes: number, label: string, what = label): GPUBuffer {
    const size = allocationSize(this.device.limits, bytes, what);
    const reused = this.idle.get(size)?.pop();
    this.inUse++;
    if (reused) {
      reused.label = label;
      return reused;
    }
    const buffer = this.device.createBuffer({ label, size, usage: USAGE_STORAGE() });
    this.created.add(buffer);
    this.live++;
    this.bytesLive += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    this.inUse--;
    const list = this.idle.get(buffer.size);
    if (list) list.push(buffer);
    else this.idle.set(buffer.size, [buffer]);
  }

  /** Whether this pool made `buffer` (tensors of an earlier device's pool are not usable here). */
  owns(buffer: GPUBuffer): boolean {
    return this.created.has(buffer);
  }

  /** Destroys idle buffers (the pool keeps them for reuse otherwise). */
  trim(): void {
    for (const list of this.idle.values()) {
      for (const b of list) {
        this.live--;
        this.bytesLive -= b.size;
        b.destroy();
      }
    }
    this.idle.clear();
  }

  stats(): PoolStats {
    return { live: this.live, inUse: this.inUse, bytesLive: this.bytesLive };
  }
}
