// The fault buffer kernels write (shaders/common/faults.wgsl): a few words set atomically when a
// kernel meets a bad label or a non-finite loss or update. Eager execution and each compiled
// plan have one; it is read back together with values that are read anyway (no extra submit or
// wait), turned into an error here, and cleared.
import faultsSource from '../../shaders/common/faults.wgsl';
import { wgslConstants } from '../device/codes.js';
import { GradwgslError, LabelRangeError, NonFiniteError } from '../device/errors.js';

/** The WGSL variable kernels declare it as; the executor binds it (ops never do). */
export const FAULTS_BINDING = 'faults';
/** The uniform member the executor fills with the dispatch's site, so errors name the op. */
export const FAULT_SITE = 'fault_site';
/** One bit per kind of fault, in word KINDS. */
const KIND = { labelRange: 1, nonFiniteLoss: 2, nonFiniteUpdate: 4 } as const;
/** What each word of the buffer holds (faults.wgsl says how each is written). */
const WORD = { kinds: 0, label: 1, classes: 2, labelSite: 3, lossSite: 4, updateSite: 5 } as const;
/** Eight u32 words (six used). */
export const FAULT_BYTES = 32;

/**
 * The WGSL a kernel that raises faults concatenates after nan.wgsl: the constants above as
 * FAULT_LABEL_RANGE ... and FAULT_WORD_KINDS ..., then shaders/common/faults.wgsl.
 */
export const FAULTS_WGSL = [wgslConstants('FAULT', KIND), wgslConstants('FAULT_WORD', WORD), faultsSource].join('\n');

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
  const bits = words[WORD.kinds]!;
  // Sites are stored as ~site (faults.wgsl), 0 for none.
  const where = (word: number) => (words[word] ? siteLabel(~words[word]! >>> 0) : 'a kernel');
  if (bits & KIND.labelRange) return new LabelRangeError(where(WORD.labelSite), words[WORD.label]!, words[WORD.classes]!);
  if (!checkFinite) return null;
  if (bits & KIND.nonFiniteLoss) return new NonFiniteError(where(WORD.lossSite), 'loss');
  if (bits & KIND.nonFiniteUpdate) return new NonFiniteError(where(WORD.updateSite), 'update');
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
