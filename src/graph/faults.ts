// The fault buffer kernels write (shaders/common/faults.wgsl): a few words set atomically when a
// kernel meets a bad label or a non-finite loss or update. Eager execution and each compiled
// plan have one; it is read back together with values that are read anyway (no extra submit or
// wait), turned into an error here, and cleared.
import { GradwgslError, LabelRangeError, NonFiniteError } from '../device/errors.js';

/** The WGSL variable kernels declare it as; the executor binds it (ops never do). */
export const FAULTS_BINDING = 'faults';
/** The uniform member the executor fills with the dispatch's site, so errors name the op. */
export const FAULT_SITE = 'fault_site';
/** Eight u32 words, as laid out in faults.wgsl. */
export const FAULT_BYTES = 32;

const LABEL_RANGE = 1;
const NON_FINITE_LOSS = 2;
const NON_FINITE_UPDATE = 4;

export function createFaultBuffer(device: GPUDevice, label: string): GPUBuffer {
  // WebGPU zero-fills new buffers: no faults yet.
  return device.createBuffer({
    label,
    size: FAULT_BYTES,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

/**
 * The error the fault words describe, or null. Bad labels always count; a non-finite loss or
 * update only with `checkFinite` (diverging is a result some experiments record).
 * `siteLabel` names the dispatch behind a site index.
 */
export function faultError(words: Uint32Array, siteLabel: (site: number) => string, checkFinite: boolean): GradwgslError | null {
  const bits = words[0]!;
  // Sites are stored as ~site (faults.wgsl), 0 for none.
  const where = (word: number) => (words[word] ? siteLabel(~words[word]! >>> 0) : 'a kernel');
  if (bits & LABEL_RANGE) return new LabelRangeError(where(3), words[1]!, words[2]!);
  if (!checkFinite) return null;
  if (bits & NON_FINITE_LOSS) return new NonFiniteError(where(4), 'loss');
  if (bits & NON_FINITE_UPDATE) return new NonFiniteError(where(5), 'update');
  return null;
}

/**
 * Site numbers for eager dispatches: one per distinct dispatch label since the fault buffer was
 * last read back and cleared.
 */
export class FaultSites {
  private index = new Map<string, number>();
  private labels: string[] = [];

  site(label: string): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.labels.push(label) - 1;
      this.index.set(label, i);
    }
    return i;
  }

  /** Starts afresh (the buffer was just cleared) and returns how to name the sites until then. */
  take(): (site: number) => string {
    const labels = this.labels;
    this.labels = [];
    this.index = new Map();
    return (site) => labels[site] ?? 'an earlier op';
  }
}
