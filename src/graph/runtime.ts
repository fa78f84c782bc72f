// The process-wide engine state: the device, the buffer pool, the mode (eager or tracing),
// ownership scopes, and the eager executor that batches dispatches into few submits.
import { BufferPool } from '../device/buffer-pool.js';
import type { BufferRef, DispatchSpec } from '../device/dispatch.js';
import { GpuError, GradwgslError, fail } from '../device/errors.js';
import { requestGpu, type DeviceOptions, type Gpu } from '../device/gpu.js';
import { fmt } from '../tensor/shape.js';
import { Storage, Tensor, installEngine, type LowerCtx, type TensorEngine } from '../tensor/tensor.js';
import { backward } from './autograd.js';
import {
  createBindGroup,
  usesFaults,
  validateDispatch,
  workgroupCounts,
  writeUniforms,
} from './dispatch.js';
import { FAULT_BYTES, FaultSites, createFaultBuffer, faultError } from './faults.js';
import type { PassTimer } from './pass-timer.js';
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

export class Runtime implements TensorEngine {
  readonly pool: BufferPool;
  gradEnabled = true;
  /** Debugging and tests: fill every op output with NaN before the op runs, so unwritten elements show. */
  poison = false;
  tracing: Trace | null = null;
  /** Next RNG stream id; each random op takes one so no two draw the same numbers. */
  rngStreams = 0;
  /** Set by src/profile while profiling: every dispatch then gets a timed pass of its own. */
  passTimer: PassTimer | null = null;
  /**
   * Throw NonFiniteError when a loss total or a parameter update became NaN or infinite (checked
   * when values are read, eagerly or from a compiled step). Off by default: a diverging run is a
   * result some experiments record from the loss they read. Bad labels always throw.
   */
  checkFinite = false;
  /** Set by shutdown(): nothing made on this runtime can be used any more. */
  closed = false;
  /** Faults raised by eager kernels (src/graph/faults.ts), checked at every read. */
  private readonly faults: GPUBuffer;
  private readonly faultSites = new FaultSites();
  private readonly scopes: Set<Tensor>[] = [];
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pendingDispatches = 0;
  private afterSubmit: GPUBuffer[] = [];
  private checks: PendingCheck[] = [];

  constructor(readonly gpu: Gpu) {
    this.pool = new BufferPool(gpu.device);
    this.faults = createFaultBuffer(gpu.device, 'eager/faults');
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
    if (t.kind !== 'op') return;
    try {
      this.execute(t);
    } catch (e) {
      // The op never produced a value: nothing may keep it (execute released its memory).
      for (const s of this.scopes) s.delete(t);
      t.dispose();
      throw e;
    }
  }

  /**
   * Runs `fn`, then disposes every tensor it created except those it returns or keeps. If `fn`
   * throws, every tensor it created is disposed.
   */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      for (const t of scope) t.dispose();
      throw e;
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

  /** Reverse-mode autodiff from `root` (Tensor.backward() lands here). */
  backward(root: Tensor, seed?: Tensor): void {
    backward(this, root, seed);
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

  /** Storage from the pool; `what` names the tensor in the error when it is over the device's limits. */
  allocate(bytes: number, label: string, what = label): Storage {
    const buffer = this.pool.acquire(bytes, label, what);
    return new Storage(buffer, bytes, (b) => this.pool.release(b));
  }

  /** Uploads data into a new leaf's storage. */
  upload(t: Tensor, words: ArrayBufferView): void {
    if (words.byteLength !== t.bytes) fail(`${t}: expected ${t.bytes} bytes of data, got ${words.byteLength}`);
    t.storage = this.allocate(t.bytes, t.name, `${t}`);
    this.write(t.storage.buffer, words);
  }

  /**
   * The storage of a tensor made on this runtime, for `what` to use. Throws a GradwgslError for a
   * disposed tensor, a traced value used eagerly, and a tensor of an earlier runtime (after
   * shutdown() and init(), or a lost device) whose buffer this device cannot use.
   */
  storageOf(t: Tensor, what: string): Storage {
    t.assertAlive(what);
    if (!t.storage) {
      fail(`${what}: ${t} has no values here: it was recorded while tracing; read it from the compiled step instead`);
    }
    if (!this.pool.owns(t.storage.buffer)) {
      fail(
        `${what}: ${t} belongs to a runtime that was shut down (shutdown(), or its device was lost); ` +
          'tensors cannot move to a new runtime: create it again after init()',
      );
    }
    return t.storage;
  }

  /** The buffer range a tensor made on this runtime occupies (see storageOf). */
  refOf(t: Tensor, what: string): BufferRef {
    const s = this.storageOf(t, what);
    return { buffer: s.buffer, offset: s.offset, size: t.bytes };
  }

  /** Queue writes run before pending dispatches, so those are submitted first. */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    this.submit();
    this.gpu.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Overwrites a tensor's values (`data` holds exactly its bytes), after pending work. */
  writeTensor(t: Tensor, data: ArrayBufferView): void {
    const ref = this.refOf(t, 'write');
    if (data.byteLength !== ref.size) fail(`write: ${t} takes ${ref.size} bytes, got ${data.byteLength}`);
    this.write(ref.buffer, data, ref.offset);
  }

  /** Copies `src` into `dst` on the GPU, after pending work (both ranges whole words). */
  copy(src: BufferRef, dst: BufferRef): void {
    if (src.size !== dst.size) fail(`internal: copy of ${src.size} bytes into ${dst.size}`);
    this.submit();
    const enc = this.gpu.device.createCommandEncoder({ label: 'copy' });
    enc.copyBufferToBuffer(src.buffer, src.offset ?? 0, dst.buffer, dst.offset ?? 0, src.size);
    this.gpu.device.queue.submit([enc.finish()]);
  }

  // ---- eager execution ------------------------------------------------------------------

  /**
   * Runs an op now. If it fails (a limit, a bad binding), everything it allocated goes back to
   * the pool: dispatches it already encoded run before any later user of those buffers.
   */
  private execute(t: Tensor): void {
    const node = t.node!;
    if (node.op.view) {
      t.storage = this.storageOf(node.inputs[0]!, node.op.name).retain();
    } else {
      const temps: Storage[] = [];
      try {
        if (!node.op.effect) {
          t.storage = this.allocate(t.bytes, t.name, `the output of ${opSignature(t)}`);
          if (this.poison) this.write(t.storage.buffer, nanWords(t.storage.buffer.size));
        }
        const ref = (x: Tensor): BufferRef => this.refOf(x, node.op.name);
        const ctx: LowerCtx = {
          gpu: this.gpu,
          ref,
          out: node.op.effect ? { buffer: null as never, size: 0 } : ref(t),
          scratch: (bytes) => {
            const s = this.allocate(bytes, `${t.name}/scratch`, `a ${bytes}-byte scratch buffer of ${opSignature(t)}`);
            temps.push(s);
            return { buffer: s.buffer, size: bytes };
          },
          dispatch: (spec) => this.encode(spec, dispatchLabel(t, spec)),
        };
        node.op.lower(ctx, node, t);
      } catch (e) {
        t.storage?.release();
        t.storage = null;
        throw e;
      } finally {
        for (const s of temps) s.release();
      }
    }
    // Inputs are kept only if a gradient may need them.
    if (!t.requiresGrad && !node.op.effect) t.node = { ...node, inputs: [] };
  }

  private encode(spec: DispatchSpec, label: string): void {
    validateDispatch(this.gpu, spec, label);
    this.gpu.check(label);
    const device = this.gpu.device;
    // Everything that can throw on the CPU side runs before any GPU object exists.
    let uniformData: ArrayBuffer | null = null;
    if (spec.kernel.uniform) {
      uniformData = new ArrayBuffer(Math.max(16, Math.ceil(spec.kernel.uniform.size / 16) * 16));
      const faultSite = usesFaults(spec) ? this.faultSites.site(label) : 0;
      writeUniforms(spec, { rngStep: 0, faultSite }, new DataView(uniformData), 0, label);
    }
    const scopes = this.gpu.openScopes();
    let pipeline: GPUComputePipeline;
    let bindGroup: GPUBindGroup;
    try {
      let uniform: { buffer: GPUBuffer; offset: number } | null = null;
      if (uniformData) {
        const buffer = device.createBuffer({ label: `${label}/uniforms`, size: uniformData.byteLength, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
        this.afterSubmit.push(buffer);
        new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(uniformData));
        buffer.unmap();
        uniform = { buffer, offset: 0 };
      }
      pipeline = spec.kernel.pipeline(this.gpu, spec.constants);
      bindGroup = createBindGroup(this.gpu, spec, uniform, this.faults, label);
    } finally {
      this.checks.push({ label, result: scopes.close() }, { label, result: spec.kernel.compiled(this.gpu).then(() => null) });
    }
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

  /**
   * Submits pending work and throws the first error any of it raised, naming its kernel (a lost
   * device first: the errors it causes say nothing about the ops). Every check is awaited, so
   * none is left to reject unhandled.
   */
  async flush(): Promise<void> {
    this.assertOpen();
    this.submit();
    const checks = this.checks;
    this.checks = [];
    const errors = await Promise.all(
      checks.map((c) =>
        c.result.then(
          (err) => (err ? new GpuError(err.kind, c.label, err.message) : null),
          (e: Error) => (e instanceof GradwgslError ? e : new GpuError('compilation', c.label, e?.message ?? String(e))),
        ),
      ),
    );
    if (this.gpu.lost) this.gpu.check('flush');
    const first = errors.find((e) => e !== null);
    if (first) throw first;
    this.gpu.check('flush');
  }

  /** Waits for the GPU to finish everything submitted so far. */
  async sync(): Promise<void> {
    await this.flush();
    await this.gpu.device.queue.onSubmittedWorkDone();
  }

  /**
   * Copies a tensor's values to the CPU, and with them the faults eager kernels raised since the
   * last read: a bad label (or, with checkFinite, a non-finite loss or update) throws here.
   */
  async read(t: Tensor): Promise<Float32Array | Uint32Array | Int32Array> {
    const ref = this.refOf(t, 'read');
    await this.flush();
    const bytes = await this.copyBack(ref, true);
    return decode(t.dtype, bytes, t.numel);
  }

  /** Copies a buffer range to the CPU. */
  async readBuffer(ref: BufferRef): Promise<ArrayBuffer> {
    return this.copyBack(ref, false);
  }

  private async copyBack(ref: BufferRef, withFaults: boolean): Promise<ArrayBuffer> {
    this.assertOpen();
    const device = this.gpu.device;
    this.submit();
    const size = ref.size + (withFaults ? FAULT_BYTES : 0);
    const staging = device.createBuffer({ label: 'readback', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(ref.buffer, ref.offset ?? 0, staging, 0, ref.size);
    if (withFaults) {
      enc.copyBufferToBuffer(this.faults, 0, staging, ref.size, FAULT_BYTES);
      enc.clearBuffer(this.faults);
    }
    device.queue.submit([enc.finish()]);
    const sites = withFaults ? this.faultSites.take() : null;
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      staging.destroy();
      throw await this.gpu.explain(e, 'readback');
    }
    const copy = staging.getMappedRange().slice(0);
    staging.destroy();
    const fault = sites && faultError(new Uint32Array(copy, ref.size, FAULT_BYTES / 4), sites, this.checkFinite);
    if (fault) throw fault;
    return copy;
  }

  private assertOpen(): void {
    if (this.closed) fail('this gradwgsl runtime was shut down: call init() for a new one and create the tensors again');
  }

  /** Marks the runtime unusable and frees what it holds; shutdown() then destroys the device. */
  close(): void {
    this.closed = true;
    this.pool.trim();
    this.faults.destroy();
  }

  /** Buffers alive on the GPU right now: the leak check for training loops. */
  stats() {
    return this.pool.stats();
  }
}

function inputTypes(t: Tensor): string {
  return t.node!.inputs.map((x) => `${x.dtype}${fmt(x.shape)}`).join(', ');
}

/** An op with the dtypes and shapes of its inputs and output, for error messages. */
export function opSignature(t: Tensor): string {
  return `${t.node!.op.name}(${inputTypes(t)}) -> ${t.dtype}${fmt(t.shape)}`;
}

/** NaN as f32 and f16 pairs, 0xffffffff as u32: no kernel computes it by accident. */
export function nanWords(bytes: number): Uint32Array {
  return new Uint32Array(bytes / 4).fill(0x7fc07fc0);
}

export function dispatchLabel(t: Tensor, spec: DispatchSpec): string {
  return `${t.node!.op.name}(${inputTypes(t)}) via kernel ${spec.kernel.name}`;
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
const SHUT_DOWN = 'gradwgsl was shut down: call `await init()` for a new runtime, then create the tensors, models and compiled steps again';
/** Whether shutdown() ended a runtime, for the message when one is asked for after it. */
let wasShutDown = false;

/** Opens the GPU and makes it the engine's device. Call once before creating tensors. */
export async function init(options: DeviceOptions = {}): Promise<Runtime> {
  if (current && !current.gpu.lost) return current;
  current = new Runtime(await requestGpu(options));
  installEngine(current);
  return current;
}

export function runtime(): Runtime {
  if (!current) {
    fail(
      wasShutDown ? SHUT_DOWN : 'gradwgsl is not initialised: call `await init()` first',
    );
  }
  return current;
}

/**
 * Releases the device so a Node process can exit. Tensors and compiled steps made before it
 * throw a GradwgslError when used afterwards, also after a new init().
 */
export async function shutdown(): Promise<void> {
  if (!current) return;
  const rt = current;
  current = null;
  wasShutDown = true;
  installEngine(null, SHUT_DOWN);
  // A lost device has nothing left to wait for; its errors must not stop the shutdown.
  await rt.flush().catch(() => undefined);
  await rt.gpu.device.queue.onSubmittedWorkDone().catch(() => undefined);
  rt.close();
  rt.gpu.destroy();
}
