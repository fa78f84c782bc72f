// One way to get a GPUDevice, in Node (Dawn through npm `webgpu`) and in the browser.
import { withoutClampWarnings } from './dawn-stderr.js';
import { DeviceLostError, GpuError, GradwgslError, fail } from './errors.js';

export const OPTIONAL_FEATURES = ['shader-f16', 'timestamp-query', 'subgroups'] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

export interface DeviceOptions {
  /** Leave out optional features even when the adapter has them (to test fallbacks). */
  disableFeatures?: OptionalFeature[];
  powerPreference?: GPUPowerPreference;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  runtime: 'node-dawn' | 'browser';
}

/**
 * How long a failed read-back waits for the device-lost event before reporting the failure as
 * something else: Dawn delivers the event and the rejected mapAsync from the same tick.
 */
const LOSS_GRACE_MS = 1000;

/** Limits we raise from WebGPU's defaults to what the adapter allows: big tensors need them. */
const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

async function navigatorGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) {
    fail('This browser has no WebGPU (navigator.gpu is missing). Use Chrome or Edge 113+, or enable WebGPU in your browser flags.');
  }
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
  const dawn = await import('webgpu');
  // Dawn's GPUBufferUsage, GPUMapMode, ... constants are globals in a browser; Node needs them copied.
  for (const [k, v] of Object.entries(dawn.globals as Record<string, unknown>)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  // Dawn rounds timestamps to 65.536 µs by default (a browser's fingerprinting defence); the
  // profiler needs kernel-level resolution, and a headless Node process has nobody to fingerprint.
  return dawn.create(['disable-dawn-features=timestamp_quantization']);
}

export class Gpu {
  /** Errors Dawn raised outside any error scope; thrown at the next flush. */
  private uncaptured: GPUError[] = [];
  private lostInfo: GPUDeviceLostInfo | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly features: ReadonlySet<OptionalFeature>,
    /**
     * The GPU instance (Dawn's, under Node). Held for the device's lifetime: if it is garbage
     * collected while work is in flight, Dawn tears down under the driver and the process crashes.
     */
    private instance: GPU | null,
  ) {
    device.lost.then((info) => {
      this.lostInfo = info;
    });
    device.addEventListener('uncapturederror', (ev) => {
      this.uncaptured.push((ev as GPUUncapturedErrorEvent).error);
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  has(feature: OptionalFeature): boolean {
    return this.features.has(feature);
  }

  /**
   * The error to throw for a WebGPU promise that rejected (mapAsync, onSubmittedWorkDone): a
   * DeviceLostError when the device is lost, or is reported lost shortly after; Dawn rejects with
   * an empty DOMException then.
   */
  async explain(e: unknown, where: string): Promise<Error> {
    if (e instanceof GradwgslError) return e;
    const info = this.lostInfo ?? (await this.lostWithin(LOSS_GRACE_MS));
    if (info) return new DeviceLostError(info.reason, info.message);
    const err = e as { name?: string; message?: string } | null;
    return new GpuError('internal', where, `${err?.name ?? 'Error'}: ${err?.message || 'no message'}`);
  }

  private lostWithin(ms: number): Promise<GPUDeviceLostInfo | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null)));
    return Promise.race([this.device.lost, timeout]).finally(() => clearTimeout(timer));
  }

  /** Throws if the device was lost or Dawn reported an error nobody caught. */
  check(where: string): void {
    if (this.lostInfo) throw new DeviceLostError(this.lostInfo.reason, this.lostInfo.message);
    const err = this.uncaptured.shift();
    if (err) {
      this.uncaptured.length = 0;
      throw new GpuError(err instanceof GPUOutOfMemoryError ? 'out-of-memory' : 'validation', where, err.message);
    }
  }

  /** Runs `body` inside validation and out-of-memory error scopes and throws what they catch. */
  async scoped<T>(where: string, body: () => T): Promise<T> {
    this.check(where);
    const pending = this.openScopes();
    let value: T | undefined;
    let thrown: unknown;
    try {
      value = body();
    } catch (e) {
      thrown = e;
    }
    const error = await pending.close();
    if (thrown) throw thrown;
    if (error) throw new GpuError(error.kind, where, error.message);
    return value as T;
  }

  /** Opens validation and out-of-memory scopes; close() pops both and reports the first error. */
  openScopes(): { close(): Promise<{ kind: 'validation' | 'out-of-memory'; message: string } | null> } {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    return {
      close: async () => {
        const validation = this.device.popErrorScope();
        const oom = this.device.popErrorScope();
        const [v, o] = await Promise.all([validation, oom]);
        if (o) return { kind: 'out-of-memory', message: o.message };
        if (v) return { kind: 'validation', message: v.message };
        return null;
      },
    };
  }

  get lost(): boolean {
    return this.lostInfo !== null;
  }

  /** Destroys the device and lets go of the instance, so a Node process can exit. */
  destroy(): void {
    this.device.destroy();
    if (this.instance) this.instance = null;
  }
}

/** Asks the runtime for an adapter and a device with every optional feature it has. */
export async function requestGpu(options: DeviceOptions = {}): Promise<Gpu> {
  const gpu = await navigatorGpu();
  const adapter = await withoutClampWarnings(() => gpu.requestAdapter({ powerPreference: options.powerPreference }));
  if (!adapter) {
    fail(
      'No WebGPU adapter. Under Node on Linux, run `npm run setup` (it installs Mesa lavapipe on Debian as root) ' +
        'or install a Vulkan driver; in a browser, enable WebGPU.',
    );
  }
  const features = OPTIONAL_FEATURES.filter(
    (f) => adapter.features.has(f) && !options.disableFeatures?.includes(f),
  );
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  const info = adapter.info;
  const summary: AdapterSummary = {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    runtime: typeof process !== 'undefined' && process.versions?.node ? 'node-dawn' : 'browser',
  };
  return new Gpu(device, summary, new Set(features), gpu);
}
