// compile(): trace a training step once, then replay it as one command buffer per call.
import type { BufferRef } from '../device/dispatch.js';
import { fail } from '../device/errors.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { FAULT_BYTES, faultError } from './faults.js';
import { decode } from './readback.js';
import { Plan } from './plan.js';
import { runtime, type Runtime, type Trace } from './runtime.js';

export interface InputSpec {
  shape: readonly number[];
  dtype?: DType;
}

/** Per input: its values as the typed array of its dtype (FEED_ARRAYS), or a Tensor already on the GPU. */
export type Feeds = Record<string, ArrayBufferView | Tensor>;

export interface RunOptions {
  /**
   * Output names to copy back after this step (in the same command buffer). Faults the step's
   * kernels raised (a bad label; with the runtime's checkFinite, a non-finite loss or update)
   * come back with them and throw, for every run since the last one that read something.
   */
  read?: readonly string[];
}

type TypedArrayClass = Float32ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** The typed array a feed of each dtype must be: f16 as IEEE half bits, FP8 as packed bytes. */
const FEED_ARRAYS: Record<DType, TypedArrayClass> = {
  f32: Float32Array,
  u32: Uint32Array,
  i32: Int32Array,
  f16: Uint16Array,
  fp8e5m2: Uint8Array,
};

type Feed = { kind: 'array'; data: ArrayBufferView } | { kind: 'tensor'; ref: BufferRef };

export class CompiledStep {
  private step = 0;
  private current: Plan;
  private disposed = false;
  private staging = new Map<string, GPUBuffer>();
  private faultStaging: GPUBuffer | null = null;

  constructor(
    private readonly rt: Runtime,
    plan: Plan,
    private readonly inputs: Record<string, Tensor>,
    private readonly outputs: Record<string, Tensor>,
    private readonly effects: readonly Tensor[],
  ) {
    this.current = plan;
  }

  get plan(): Plan {
    return this.current;
  }

  /**
   * Builds the plan again from the traced graph when values it binds moved since: an optimizer
   * created after compile() packs its parameters into one buffer (src/optim/flat-group.ts).
   */
  private async rebuildIfStale(): Promise<void> {
    if (!this.current.stale) return;
    const old = this.current;
    this.current = await Plan.build(this.rt, Object.values(this.outputs), this.effects, Object.values(this.inputs));
    old.dispose();
  }

  /** How many times the step has run; random kernels mix it into their counters. */
  get stepCount(): number {
    return this.step;
  }

  /** Continues the step counter (after loading a checkpoint). */
  set stepCount(n: number) {
    this.step = n;
  }

  get dispatchCount(): number {
    return this.plan.dispatches.length;
  }

  private assertUsable(): void {
    if (this.disposed) fail('compiled step: it was disposed; compile the step again to run it');
    if (this.rt.closed) fail('compiled step: its runtime was shut down (shutdown()); call init() and compile the step again');
  }

  /** Every input fed with the right type and length, and nothing else. */
  private checkFeeds(feeds: Feeds): Map<Tensor, Feed> {
    if (feeds === null || typeof feeds !== 'object') {
      fail(`compiled step: feeds must be an object of input name -> values, got ${feeds === null ? 'null' : typeof feeds}; use {} for a step without inputs`);
    }
    for (const name of Object.keys(feeds)) {
      if (!(name in this.inputs)) fail(`compiled step: no input named '${name}'; inputs are ${Object.keys(this.inputs).join(', ') || '(none)'}`);
    }
    const checked = new Map<Tensor, Feed>();
    for (const [name, t] of Object.entries(this.inputs)) {
      const value = feeds[name];
      const expected = `${t.dtype}${fmt(t.shape)}`;
      if (value === undefined || value === null) fail(`compiled step: input '${name}' (${expected}) was not fed`);
      if (value instanceof Tensor) {
        if (value.dtype !== t.dtype || !sameShape(value.shape, t.shape)) {
          fail(`compiled step: input '${name}' needs ${expected}, got the tensor ${value}`);
        }
        checked.set(t, { kind: 'tensor', ref: this.rt.refOf(value, `compiled step input '${name}'`) });
        continue;
      }
      const type = FEED_ARRAYS[t.dtype];
      if (!(value instanceof type)) {
        const got = ArrayBuffer.isView(value) ? value.constructor.name : typeof value;
        fail(`compiled step: input '${name}' is ${expected} and needs a ${type.name} (or a Tensor), got ${got}; convert it, e.g. ${type.name}.from(values)`);
      }
      if (value.length !== t.numel) {
        fail(`compiled step: input '${name}' needs ${t.numel} values for ${expected}, got ${value.length}`);
      }
      checked.set(t, { kind: 'array', data: value });
    }
    return checked;
  }

  /** Writes the feeds, runs the whole step in one submit, and returns the outputs asked for. */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Record<string, Float32Array | Uint32Array | Int32Array>> {
    this.assertUsable();
    const checked = this.checkFeeds(feeds);
    const reads = (options.read ?? []).map((name) => {
      const t = this.outputs[name];
      if (!t) fail(`compiled step: no output named '${name}'; outputs are ${Object.keys(this.outputs).join(', ')}`);
      return { name, t };
    });
    const rt = this.rt;
    await this.rebuildIfStale();
    await rt.flush();
    for (const [t, feed] of checked) if (feed.kind === 'array') rt.write(this.plan.ref(t).buffer, wholeWords(feed.data));
    this.plan.setRngStep(this.step);
    const device = rt.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'step' });
    for (const [t, feed] of checked) if (feed.kind === 'tensor') encoder.copyBufferToBuffer(feed.ref.buffer, feed.ref.offset ?? 0, this.plan.ref(t).buffer, 0, t.bytes);
    this.plan.encode(encoder);
    const staged = reads.map(({ name, t }) => {
      const buf = this.stagingFor(name, t.bytes);
      const ref = this.plan.ref(t);
      encoder.copyBufferToBuffer(ref.buffer, ref.offset ?? 0, buf, 0, t.bytes);
      return { name, t, buf };
    });
    // Faults come back with the outputs; a run that reads nothing leaves them for the next one.
    const faults = staged.length ? (this.faultStaging ??= stagingBuffer(device, 'step/read/faults', FAULT_BYTES)) : null;
    if (faults) {
      encoder.copyBufferToBuffer(this.plan.faults, 0, faults, 0, FAULT_BYTES);
      encoder.clearBuffer(this.plan.faults);
    }
    device.queue.submit([encoder.finish()]);
    this.step++;
    const mapping = [...staged.map((s) => s.buf), ...(faults ? [faults] : [])];
    const mapped = await Promise.allSettled(mapping.map((b) => b.mapAsync(GPUMapMode.READ)));
    const failed = mapped.find((m): m is PromiseRejectedResult => m.status === 'rejected');
    if (failed) {
      mapping.forEach((b, i) => mapped[i]!.status === 'fulfilled' && b.unmap());
      if (this.disposed) fail('compiled step: it was disposed while it ran');
      throw await rt.gpu.explain(failed.reason, 'compiled step');
    }
    const result: Record<string, Float32Array | Uint32Array | Int32Array> = {};
    for (const { name, t, buf } of staged) {
      result[name] = decode(t.dtype, buf.getMappedRange().slice(0), t.numel);
      buf.unmap();
    }
    if (faults) {
      const words = new Uint32Array(faults.getMappedRange().slice(0));
      faults.unmap();
      const fault = faultError(words, (site) => this.plan.siteLabel(site), rt.checkFinite);
      if (fault) throw fault;
    }
    rt.gpu.check('compiled step');
    return result;
  }

  /** Copies an output of the last run back to the CPU. */
  async read(name: string): Promise<Float32Array | Uint32Array | Int32Array> {
    this.assertUsable();
    const t = this.outputs[name];
    if (!t) fail(`compiled step: no output named '${name}'`);
    const bytes = await this.rt.readBuffer({ ...this.plan.ref(t), size: t.bytes });
    return decode(t.dtype, bytes, t.numel);
  }

  private stagingFor(name: string, bytes: number): GPUBuffer {
    let b = this.staging.get(name);
    if (!b) {
      b = stagingBuffer(this.rt.gpu.device, `step/read/${name}`, bytes);
      this.staging.set(name, b);
    }
    return b;
  }

  dispose(): void {
    this.disposed = true;
    this.plan.dispose();
    for (const b of this.staging.values()) b.destroy();
    this.staging.clear();
    this.faultStaging?.destroy();
    this.faultStaging = null;
  }
}

function stagingBuffer(device: GPUDevice, label: string, size: number): GPUBuffer {
  return device.createBuffer({ label, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
}

/** Queue writes take whole 4-byte words: f16 and FP8 feeds of odd length are padded. */
function wholeWords(data: ArrayBufferView): ArrayBufferView {
  if (data.byteLength % 4 === 0) return data;
  const padded = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
  padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return padded;
}

/**
 * Traces `fn` once on placeholder inputs and compiles everything it computes (forward,
 * backward, optimizer updates) into a plan. `fn` returns the named outputs to keep.
 */
export async function compile(
  inputSpecs: Record<string, InputSpec>,
  fn: (inputs: Record<string, Tensor>) => Record<string, Tensor>,
): Promise<CompiledStep> {
  const rt = runtime();
  if (rt.tracing) fail('compile(): already tracing; compile() calls cannot nest');
  await rt.flush();
  const inputs: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(inputSpecs)) {
    inputs[name] = new Tensor(spec.shape, spec.dtype ?? 'f32', 'placeholder', null, name);
  }
  const trace: Trace = { effects: [], gradLeaves: new Set() };
  rt.tracing = trace;
  let outputs: Record<string, Tensor>;
  try {
    outputs = fn(inputs);
  } finally {
    rt.tracing = null;
    // Gradients recorded on leaves while tracing live inside the plan, not on the leaves.
    for (const leaf of trace.gradLeaves) leaf.grad = null;
  }
  const plan = await Plan.build(rt, Object.values(outputs), trace.effects, Object.values(inputs));
  return new CompiledStep(rt, plan, inputs, outputs, trace.effects);
}
