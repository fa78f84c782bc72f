// A kernel is one entry point of hand-written WGSL. Its bind-group layout and uniform layout
// are read from the source by wgsl_reflect on first use; pipelines are cached per specialisation
// (the values of WGSL `override` constants), so shapes travel in uniforms and one pipeline
// serves every batch size.
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { GpuError, fail } from './errors.js';
import type { Gpu } from './gpu.js';
import { memberKind, type UniformLayout } from './uniforms.js';

export interface KernelSpec {
  /** Name shown in errors, labels and profiles, e.g. `gemm/tiled`. */
  name: string;
  /** WGSL text; several parts are concatenated (shared function libraries first). */
  source: string | readonly string[];
  /** Entry point; defaults to the only `@compute` function. */
  entry?: string;
}

export interface StorageBinding {
  name: string;
  binding: number;
  access: 'read' | 'read_write';
  /** Smallest valid binding (one array element): declared so WebGPU checks it at bind time. */
  minBytes: number;
}

export type Constants = Readonly<Record<string, number>>;

interface DeviceState {
  module: GPUShaderModule;
  layout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  pipelines: Map<string, GPUComputePipeline>;
  pending: Map<string, Promise<GPUComputePipeline>>;
  compiled: Promise<void>;
}

/** What wgsl_reflect reads from a kernel's source: its entry point and the layouts it binds (plain JSON). */
export interface Reflection {
  entry: string;
  storage: readonly StorageBinding[];
  uniform: UniformLayout | null;
  overrides: readonly string[];
  defaultWorkgroupSize: readonly [number, number, number];
}

/**
 * Keeps reflections across processes: parsing WGSL in JavaScript is a large part of the time to a
 * first step. `key` is the full text the reflection depends on (the WGSL, the entry point and the
 * code that reflects it); a store hashes it. src/node/reflection-store.ts keeps them in a file.
 */
export interface ReflectionStore {
  get(key: string): Reflection | undefined;
  set(key: string, reflection: Reflection): void;
}

let store: ReflectionStore | null = null;
/** Reflections made in this process, by key: kernels that share a source parse it once. */
const reflected = new Map<string, Reflection>();

/** Where reflections persist from now on (null: only in this process). */
export function setReflectionStore(s: ReflectionStore | null): void {
  store = s;
}

/** The reflection of `code`, from this process, the store, or parsed now (then kept in both). */
function cachedReflection(name: string, code: string, requested: string | undefined): Reflection {
  // The reflecting code is part of the key, so a change to it never meets an old entry.
  const key = `${requested ?? ''}\0${code}\0${reflect.toString()}\0${memberKind.toString()}`;
  let r = reflected.get(key) ?? store?.get(key);
  if (!r) {
    r = reflect(name, code, requested);
    store?.set(key, r);
  }
  reflected.set(key, r);
  return r;
}

export class Kernel {
  readonly name: string;
  readonly code: string;
  private readonly requestedEntry: string | undefined;
  private reflected: Reflection | undefined;
  private overrideSet: ReadonlySet<string> | undefined;
  private readonly perDevice = new WeakMap<GPUDevice, DeviceState>();

  constructor(spec: KernelSpec) {
    this.name = spec.name;
    this.code = typeof spec.source === 'string' ? spec.source : spec.source.join('\n');
    this.requestedEntry = spec.entry;
  }

  // Reflection parses the whole WGSL source; the engine defines its kernels at module load, so
  // it happens on a kernel's first use instead, and importing gradwgsl parses no shader.
  private get reflection(): Reflection {
    return (this.reflected ??= cachedReflection(this.name, this.code, this.requestedEntry));
  }

  get entry(): string {
    return this.reflection.entry;
  }

  get storage(): readonly StorageBinding[] {
    return this.reflection.storage;
  }

  get uniform(): UniformLayout | null {
    return this.reflection.uniform;
  }

  get overrides(): ReadonlySet<string> {
    return (this.overrideSet ??= new Set(this.reflection.overrides));
  }

  /** Workgroup size with every override at its default. */
  get defaultWorkgroupSize(): readonly [number, number, number] {
    return this.reflection.defaultWorkgroupSize;
  }

  /** The bind group entries this kernel expects, in binding order. */
  bindingNames(): string[] {
    const all = [...this.storage.map((s) => [s.binding, s.name] as const)];
    if (this.uniform) all.push([this.uniform.binding, this.uniform.varName]);
    return all.sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  }

  private state(gpu: Gpu): DeviceState {
    const device = gpu.device;
    let s = this.perDevice.get(device);
    if (s) return s;
    // Invalid WGSL raises a validation error here; keep it for compiled() rather than letting it
    // surface later as if it were the fault of whatever op runs next.
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: this.name, code: this.code });
    const moduleError = device.popErrorScope();
    const entries: GPUBindGroupLayoutEntry[] = this.storage.map((b) => ({
      binding: b.binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage', minBindingSize: b.minBytes },
    }));
    if (this.uniform) {
      entries.push({
        binding: this.uniform.binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: 'uniform', minBindingSize: this.uniform.size },
      });
    }
    const layout = device.createBindGroupLayout({ label: this.name, entries });
    const pipelineLayout = device.createPipelineLayout({ label: this.name, bindGroupLayouts: [layout] });
    s = {
      module,
      layout,
      pipelineLayout,
      pipelines: new Map(),
      pending: new Map(),
      compiled: checkCompilation(module, moduleError, this.name, this.code),
    };
    this.perDevice.set(device, s);
    return s;
  }

  bindGroupLayout(gpu: Gpu): GPUBindGroupLayout {
    return this.state(gpu).layout;
  }

  private descriptor(gpu: Gpu, constants: Constants): GPUComputePipelineDescriptor {
    for (const k of Object.keys(constants)) {
      if (!this.overrides.has(k)) fail(`kernel ${this.name}: no override constant '${k}' in the shader`);
    }
    const s = this.state(gpu);
    return {
      label: `${this.name}${constantsKey(constants)}`,
      layout: s.pipelineLayout,
      compute: { module: s.module, entryPoint: this.entry, constants: { ...constants } },
    };
  }

  /** The pipeline for these constants, created synchronously on first use (eager execution). */
  pipeline(gpu: Gpu, constants: Constants = {}): GPUComputePipeline {
    const s = this.state(gpu);
    const key = constantsKey(constants);
    let p = s.pipelines.get(key);
    if (!p) {
      p = gpu.device.createComputePipeline(this.descriptor(gpu, constants));
      s.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Compiles the pipeline asynchronously; concurrent requests for the same constants share one
   * compile. Throws WGSL compile errors with line numbers.
   */
  async pipelineAsync(gpu: Gpu, constants: Constants = {}): Promise<GPUComputePipeline> {
    const s = this.state(gpu);
    const key = constantsKey(constants);
    const ready = s.pipelines.get(key);
    if (ready) return ready;
    let pending = s.pending.get(key);
    if (!pending) {
      pending = (async () => {
        await s.compiled;
        const p = await gpu.device.createComputePipelineAsync(this.descriptor(gpu, constants)).catch((e: Error) => {
          throw new GpuError('compilation', `kernel ${this.name}${key}`, e.message);
        });
        s.pipelines.set(key, p);
        s.pending.delete(key);
        return p;
      })();
      s.pending.set(key, pending);
    }
    return pending;
  }

  /** Resolves when the WGSL compiled; rejects with the compiler's messages and line numbers. */
  compiled(gpu: Gpu): Promise<void> {
    return this.state(gpu).compiled;
  }
}

function reflect(name: string, code: string, requested: string | undefined): Reflection {
  let parsed: WgslReflect;
  try {
    parsed = new WgslReflect(code);
  } catch (e) {
    throw new GpuError('compilation', `kernel ${name}`, `WGSL parse failed: ${(e as Error).message}`);
  }
  const entries = parsed.entry.compute;
  const entry = requested ? entries.find((e) => e.name === requested) : entries.length === 1 ? entries[0] : undefined;
  if (!entry) {
    fail(`kernel ${name}: entry point ${requested ?? '(unnamed)'} not found among [${entries.map((e) => e.name).join(', ')}]`);
  }
  const used = new Set(entry.resources.map((r) => r.name));
  const storage = parsed.storage
    .filter((s) => used.has(s.name))
    .map((s) => {
      if (s.group !== 0) fail(`kernel ${name}: binding '${s.name}' must be in @group(0)`);
      const t = s.type as { name: string; size: number; stride?: number };
      const element = t.name === 'array' ? (t.stride ?? 4) : t.size;
      return {
        name: s.name,
        binding: s.binding,
        access: s.access === 'read' ? 'read' : 'read_write',
        minBytes: Math.max(4, Math.ceil(element / 4) * 4),
      } as const;
    });
  const uniforms = parsed.uniforms.filter((u) => used.has(u.name));
  if (uniforms.length > 1) fail(`kernel ${name}: use one uniform struct per entry point`);
  const u = uniforms[0];
  const uniform: UniformLayout | null = u
    ? {
        varName: u.name,
        binding: u.binding,
        size: u.size,
        members: (u.members ?? []).map((m) => ({
          name: m.name,
          offset: m.offset,
          ...memberKind(m.type as never, `kernel ${name}`),
        })),
      }
    : null;
  const overrides = parsed.overrides.map((o) => o.name);
  const wg = entry.workgroupSize ?? [1, 1, 1];
  return { entry: entry.name, storage, uniform, overrides, defaultWorkgroupSize: [wg[0] ?? 1, wg[1] ?? 1, wg[2] ?? 1] };
}

export function constantsKey(constants: Constants): string {
  const keys = Object.keys(constants).sort();
  return keys.length ? `{${keys.map((k) => `${k}=${constants[k]}`).join(',')}}` : '';
}

async function checkCompilation(
  module: GPUShaderModule,
  moduleError: Promise<GPUError | null>,
  name: string,
  code: string,
): Promise<void> {
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  const scoped = await moduleError;
  if (!errors.length) {
    if (scoped) throw new GpuError('compilation', `kernel ${name}`, scoped.message);
    return;
  }
  const lines = code.split('\n');
  const text = errors
    .map((m) => `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    | ${lines[m.lineNum - 1]?.trim() ?? ''}`)
    .join('\n');
  throw new GpuError('compilation', `kernel ${name}`, `WGSL does not compile:\n${text}`);
}
