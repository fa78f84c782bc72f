// The process-wide engine state: the device, the buffer pool, the mode (eager or tracing),
// ownership scopes, and the eager executor that batches dispatches into few submits.
import { BufferPool } from '../device/buffer-pool.js';
import { GpuError, GradwgslError, fail } from '../device/errors.js';
import { requestGpu, type DeviceOptions, type Gpu } from '../device/gpu.js';
import { Storage, Tensor } from '../tensor/tensor.js';
import {
  UNIFORM_ALIGN,
  createBindGroup,
  validateDispatch,
  workgroupCounts,
  writeUniforms,
  type BufferRef,
  type DispatchSpec,
} from './dispatch.js';
import type { PassTimer } from '../profile/hook.js';
import type { LowerCtx } from './op.js';
import { decode } from './readback.js';

/** Eager work is submitted once this many dispatches are pending, or at the next read. */
const EAGER_BATCH = 64;

export interface Trace {
  /** Effects (in-place updates) in the order they were applied. */
  effects: Tensor[];
  /** Tensors whose .grad was set to a traced value, reset when tracing ends. */
  gradLeaves: Set<Tensor>;
}

interface PendingCheck {
  label: string;
  result: Promise<{ kind: 'validation' | 'out-of-memory'; message: string } | null>;
}

export class Runtime {
  readonly pool: BufferPool;
  gradEnabled = true;
  /** Debugging and tests: fill every op output with NaN before the op runs, so unwritten elements show. */
  poison = false;
  tracing: Trace | null = null;
  /** Next RNG stream id; each random op takes one so no two draw the same numbers. */
  rngStreams = 0;
  /** Set by src/profile while profiling: every dispatch then gets a timed pass of its own. */
  passTimer: PassTimer | null = null;
  private readonly scopes: Set<Tensor>[] = [];
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pendingDispatches = 0;
  private afterSubmit: GPUBuffer[] = [];
  private checks: PendingCheck[] = [];

  constructor(readonly gpu: Gpu) {
    this.pool = new BufferPool(gpu.device);
  }

  // ---- ownership -------------------------------------------------------------------------

  /** Registers a new tensor with the innermost scope and runs it when eager. */
  adopt(t: Tensor): void {
    if (this.tracing) {
      // Traced values own no memory; the plan does. Effects are remembered in order.
      if (t.node?.op.effect) this.tracing.effects.push(t);
      return;
    }
    this.scopes.at(-1)?.add(t);
    if (t.kind === 'op') this.execute(t);
  }

  /** Runs `fn`, then disposes every tensor it created except those it returns or keeps. */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.scopes.pop();
    }
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    for (const t of scope) {
      if (kept.has(t)) this.scopes.at(-1)?.add(t);
      else t.dispose();
    }
    return result;
  }

  /** Takes a tensor out of every scope so tidy() will not dispose it. */
  keep<T extends Tensor>(t: T): T {
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  // ---- leaves ---------------------------------------------------------------------------

  private readonly constants = new Map<string, Tensor>();

  /**
   * A read-only f32 leaf filled with `value`, made once per shape and value and kept for the
   * runtime's life: backward()'s seed gradient uses it, so a compiled step spends no dispatch on it.
   */
  constant(shape: readonly number[], value: number): Tensor {
    const key = `${shape.join(',')}:${value}`;
    let t = this.constants.get(key);
    if (!t) {
      t = new Tensor(shape, 'f32', 'leaf', null, `constant(${value})`);
      this.upload(t, new Float32Array(t.numel).fill(value));
      this.constants.set(key, t);
    }
    return t;
  }

  allocate(bytes: number, label: string): Storage {
    const buffer = this.pool.acquire(bytes, label);
    return new Storage(buffer, bytes, (b) => this.pool.release(b));
  }

  /** Uploads data into a new leaf's storage. */
  upload(t: Tensor, words: ArrayBufferView): void {
    if (words.byteLength !== t.bytes) fail(`${t}: expected ${t.bytes} bytes of data, got ${words.byteLength}`);
    t.storage = this.allocate(t.bytes, t.name);
    this.write(t.storage.buffer, words);
  }

  /** Queue writes run before pending dispatches, so those are submitted first. */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    this.submit();
    this.gpu.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  // ---- eager execution ------------------------------------------------------------------

  private execute(t: Tensor): void {
    const node = t.node!;
    if (node.op.view) {
      t.storage = node.inputs[0]!.storage!.retain();
    } else {
      if (!node.op.effect) {
        t.storage = this.allocate(t.bytes, t.name);
        if (this.poison) this.write(t.storage.buffer, nanWords(t.storage.buffer.size));
      }
      const temps: Storage[] = [];
      const ctx: LowerCtx = {
        gpu: this.gpu,
        ref: (x) => storageRef(x),
        out: node.op.effect ? { buffer: null as never, size: 0 } : storageRef(t),
        scratch: (bytes) => {
          const s = this.allocate(bytes, `${t.name}/scratch`);
          temps.push(s);
          return { buffer: s.buffer, size: bytes };
        },
        dispatch: (spec) => this.encode(spec, dispatchLabel(t, spec)),
      };
      node.op.lower(ctx, node, t);
      for (const s of temps) s.release();
    }
    // Inputs are kept only if a gradient may need them.
    if (!t.requiresGrad && !node.op.effect) t.node = { ...node, inputs: [] };
  }

  private encode(spec: DispatchSpec, label: string): void {
    validateDispatch(this.gpu, spec, label);
    this.gpu.check(label);
    const device = this.gpu.device;
    const scopes = this.gpu.openScopes();
    let uniform: { buffer: GPUBuffer; offset: number } | null = null;
    if (spec.kernel.uniform) {
      const size = Math.max(16, Math.ceil(spec.kernel.uniform.size / 16) * 16);
      const buffer = device.createBuffer({ label: `${label}/uniforms`, size, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
      writeUniforms(spec, 0, new DataView(buffer.getMappedRange()), 0, label);
      buffer.unmap();
      this.afterSubmit.push(buffer);
      uniform = { buffer, offset: 0 };
    }
    const pipeline = spec.kernel.pipeline(this.gpu, spec.constants);
    const bindGroup = createBindGroup(this.gpu, spec, uniform, label);
    this.checks.push({ label, result: scopes.close() }, { label, result: spec.kernel.compiled(this.gpu).then(() => null) });
    this.encoder ??= device.createCommandEncoder({ label: 'eager' });
    // Profiling (src/profile): a timed pass per dispatch; otherwise one pass per batch.
    const timer = this.passTimer;
    const pass = timer
      ? this.encoder.beginComputePass({ label, timestampWrites: timer.timestampWrites(label) })
      : (this.pass ??= this.encoder.beginComputePass({ label: 'eager' }));
    const [x, y, z] = workgroupCounts(spec);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    if (timer) pass.end();
    if (++this.pendingDispatches >= EAGER_BATCH) this.submit();
  }

  /** Submits pending eager work (does not wait for it). */
  submit(): void {
    if (!this.encoder) return;
    this.pass?.end();
    // An invalid dispatch also invalidates the command buffer; its own check (earlier in the
    // list) names the op, so this scope only keeps the echo from surfacing as an unrelated error.
    const scopes = this.gpu.openScopes();
    this.gpu.device.queue.submit([this.encoder.finish()]);
    this.checks.push({ label: 'eager submit', result: scopes.close() });
    this.encoder = null;
    this.pass = null;
    this.pendingDispatches = 0;
    for (const b of this.afterSubmit) b.destroy();
    this.afterSubmit = [];
  }

  /** Submits pending work and throws the first error any of it raised, naming its kernel. */
  async flush(): Promise<void> {
    this.submit();
    const checks = this.checks;
    this.checks = [];
    for (const c of checks) {
      const err = await c.result.catch((e: Error) => {
        throw e instanceof GpuError ? e : new GpuError('compilation', c.label, e.message);
      });
      if (err) throw new GpuError(err.kind, c.label, err.message);
    }
    this.gpu.check('flush');
  }

  /** Waits for the GPU to finish everything submitted so far. */
  async sync(): Promise<void> {
    await this.flush();
    await this.gpu.device.queue.onSubmittedWorkDone();
  }

  async read(t: Tensor): Promise<Float32Array | Uint32Array | Int32Array> {
    t.assertAlive('read');
    if (!t.storage) {
      fail(`${t} has no values here: it was recorded while tracing; read it from the compiled step instead`);
    }
    await this.flush();
    const bytes = await this.readBuffer({ buffer: t.storage.buffer, size: t.bytes });
    return decode(t.dtype, bytes, t.numel);
  }

  /** Copies a buffer range to the CPU. */
  async readBuffer(ref: BufferRef): Promise<ArrayBuffer> {
    const device = this.gpu.device;
    this.submit();
    const staging = device.createBuffer({ label: 'readback', size: ref.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(ref.buffer, 0, staging, 0, ref.size);
    device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.gpu.check('readback');
      throw e;
    }
    const copy = staging.getMappedRange().slice(0);
    staging.destroy();
    return copy;
  }

  /** Buffers alive on the GPU right now: the leak check for training loops. */
  stats() {
    return this.pool.stats();
  }
}

/** NaN as f32 and f16 pairs, 0xffffffff as u32: no kernel computes it by accident. */
export function nanWords(bytes: number): Uint32Array {
  return new Uint32Array(bytes / 4).fill(0x7fc07fc0);
}

function storageRef(t: Tensor): BufferRef {
  if (!t.storage) throw new GradwgslError(`${t} has no storage (disposed, or a traced value used eagerly)`);
  return { buffer: t.storage.buffer, size: t.bytes };
}

export function dispatchLabel(t: Tensor, spec: DispatchSpec): string {
  const ins = t.node!.inputs.map((x) => `${x.dtype}[${x.shape.join(',')}]`).join(', ');
  return `${t.node!.op.name}(${ins}) via kernel ${spec.kernel.name}`;
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (!value || typeof value !== 'object') return;
  if ('storage' in value && 'shape' in value && 'dtype' in value) {
    into.add(value as Tensor);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectTensors(v, into);
}

// ---- the current runtime --------------------------------------------------------------

let current: Runtime | null = null;

/** Opens the GPU and makes it the engine's device. Call once before creating tensors. */
export async function init(options: DeviceOptions = {}): Promise<Runtime> {
  if (current && !current.gpu.lost) return current;
  current = new Runtime(await requestGpu(options));
  return current;
}

export function runtime(): Runtime {
  if (!current) fail('gradwgsl is not initialised: call `await init()` first');
  return current;
}

/** Releases the device so a Node process can exit. */
export async function shutdown(): Promise<void> {
  if (!current) return;
  const rt = current;
  current = null;
  await rt.flush().catch(() => undefined);
  await rt.gpu.device.queue.onSubmittedWorkDone();
  rt.pool.trim();
  rt.gpu.destroy();
}

export { UNIFORM_ALIGN };
