// Counts what each engine asks of WebGPU by wrapping Dawn's prototypes, so gradwgsl and tfjs
// are measured by the same code: dispatches, submits and pipelines inside a window, GPU
// buffers alive per device, and the adapter each device came from.

interface Window {
  dispatches: number;
  submits: number;
  pipelinesCreated: number;
  pipelinesUsed: Set<GPUComputePipeline>;
  perKernel: Map<string, number>;
}

export interface CallCounts {
  dispatches: number;
  submits: number;
  /** createComputePipeline / createComputePipelineAsync calls. */
  pipelinesCreated: number;
  /** Distinct pipelines bound with setPipeline. */
  pipelinesUsed: number;
  /** Dispatches by the label of the pipeline they ran (kernel or program name). */
  perKernel: Record<string, number>;
}

let open: Window | null = null;
const adapterOfDevice = new WeakMap<GPUDevice, GPUAdapterInfo>();
const deviceOfBuffer = new WeakMap<GPUBuffer, GPUDevice>();
const destroyed = new WeakSet<GPUBuffer>();
const alive = new Map<GPUDevice, number>();
const boundPipeline = new WeakMap<GPUComputePassEncoder, GPUComputePipeline>();

type Method = (this: unknown, ...args: never[]) => unknown;

/** Replaces `proto[name]` by a wrapper that calls `after(this, result, args)` once it returns. */
function wrap(proto: object, name: string, after: (self: never, result: never, args: never[]) => void): void {
  const target = proto as Record<string, Method>;
  const original = target[name]!;
  target[name] = function (this: unknown, ...args: never[]) {
    const result = original.apply(this, args);
    after(this as never, result as never, args);
    return result;
  };
}

/** Installs the counters on Dawn's classes; call once, before any device is requested. */
export function instrumentDawn(globals: Record<string, { prototype: object }>): void {
  const g = (name: string) => {
    const cls = globals[name];
    if (!cls) throw new Error(`bench: Dawn has no ${name} class to instrument`);
    return cls.prototype;
  };
  wrap(g('GPUAdapter'), 'requestDevice', (adapter: GPUAdapter, pending: Promise<GPUDevice>) => {
    void pending.then((device) => adapterOfDevice.set(device, adapter.info), () => undefined);
  });
  wrap(g('GPUComputePassEncoder'), 'dispatchWorkgroups', (pass: GPUComputePassEncoder) => {
    if (!open) return;
    open.dispatches++;
    const label = boundPipeline.get(pass)?.label || '(unlabelled)';
    open.perKernel.set(label, (open.perKernel.get(label) ?? 0) + 1);
  });
  wrap(g('GPUComputePassEncoder'), 'setPipeline', (pass: GPUComputePassEncoder, _r: unknown, [pipeline]: GPUComputePipeline[]) => {
    if (!open) return;
    open.pipelinesUsed.add(pipeline!);
    boundPipeline.set(pass, pipeline!);
  });
  wrap(g('GPUQueue'), 'submit', () => {
    if (open) open.submits++;
  });
  for (const name of ['createComputePipeline', 'createComputePipelineAsync']) {
    wrap(g('GPUDevice'), name, () => {
      if (open) open.pipelinesCreated++;
    });
  }
  wrap(g('GPUDevice'), 'createBuffer', (device: GPUDevice, buffer: GPUBuffer) => {
    deviceOfBuffer.set(buffer, device);
    alive.set(device, (alive.get(device) ?? 0) + 1);
  });
  wrap(g('GPUBuffer'), 'destroy', (buffer: GPUBuffer) => {
    const device = deviceOfBuffer.get(buffer);
    if (!device || destroyed.has(buffer)) return;
    destroyed.add(buffer);
    alive.set(device, alive.get(device)! - 1);
  });
}

/** The adapter `device` was requested from (recorded by the wrapper). */
export function adapterOf(device: GPUDevice): GPUAdapterInfo {
  const info = adapterOfDevice.get(device);
  if (!info) throw new Error('bench: this device was not requested through the instrumented Dawn instance');
  return info;
}

/** Buffers created on `device` and not destroyed (a garbage-collected buffer still counts). */
export function buffersAlive(device: GPUDevice): number {
  return alive.get(device) ?? 0;
}

/** Runs `fn` and counts the WebGPU calls made meanwhile; only one engine may run at a time. */
export async function countCalls<T>(fn: () => Promise<T>): Promise<{ counts: CallCounts; result: T }> {
  if (open) throw new Error('bench: countCalls windows cannot nest');
  const w: Window = { dispatches: 0, submits: 0, pipelinesCreated: 0, pipelinesUsed: new Set(), perKernel: new Map() };
  open = w;
  try {
    const result = await fn();
    return {
      counts: {
        dispatches: w.dispatches,
        submits: w.submits,
        pipelinesCreated: w.pipelinesCreated,
        pipelinesUsed: w.pipelinesUsed.size,
        perKernel: Object.fromEntries([...w.perKernel].sort((a, b) => b[1] - a[1])),
      },
      result,
    };
  } finally {
    open = null;
  }
}

