// compile(): trace a training step once, then replay it as one command buffer per call.
import { fail } from '../device/errors.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { decode } from './readback.js';
import { Plan } from './plan.js';
import { runtime, type Runtime, type Trace } from './runtime.js';

export interface InputSpec {
  shape: readonly number[];
  dtype?: DType;
}

export type Feeds = Record<string, ArrayBufferView>;

export interface RunOptions {
  /** Output names to copy back after this step (in the same command buffer). */
  read?: readonly string[];
}

export class CompiledStep {
  private step = 0;
  private staging = new Map<string, GPUBuffer>();

  constructor(
    private readonly rt: Runtime,
    readonly plan: Plan,
    private readonly inputs: Record<string, Tensor>,
    private readonly outputs: Record<string, Tensor>,
  ) {}

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

  /** Writes the feeds, runs the whole step in one submit, and returns the outputs asked for. */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Record<string, Float32Array | Uint32Array | Int32Array>> {
    const rt = this.rt;
    await rt.flush();
    for (const [name, t] of Object.entries(this.inputs)) {
      const data = feeds[name];
      if (!data) fail(`compiled step: input '${name}' was not fed`);
      if (data.byteLength !== t.bytes) {
        fail(`compiled step: input '${name}' needs ${t.numel} ${t.dtype} values for shape ${fmt(t.shape)} (${t.bytes} bytes), got ${data.byteLength} bytes`);
      }
      rt.write(this.plan.ref(t).buffer, data);
    }
    for (const name of Object.keys(feeds)) if (!(name in this.inputs)) fail(`compiled step: no input named '${name}'`);
    this.plan.setRngStep(this.step);
    const device = rt.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'step' });
    this.plan.encode(encoder);
    const reads = (options.read ?? []).map((name) => {
      const t = this.outputs[name];
      if (!t) fail(`compiled step: no output named '${name}'; outputs are ${Object.keys(this.outputs).join(', ')}`);
      const buf = this.stagingFor(name, t.bytes);
      encoder.copyBufferToBuffer(this.plan.ref(t).buffer, 0, buf, 0, t.bytes);
      return { name, t, buf };
    });
    device.queue.submit([encoder.finish()]);
    this.step++;
    const result: Record<string, Float32Array | Uint32Array | Int32Array> = {};
    await Promise.all(
      reads.map(async ({ name, t, buf }) => {
        await buf.mapAsync(GPUMapMode.READ);
        result[name] = decode(t.dtype, buf.getMappedRange().slice(0), t.numel);
        buf.unmap();
      }),
    );
    rt.gpu.check('compiled step');
    return result;
  }

  /** Copies an output of the last run back to the CPU. */
  async read(name: string): Promise<Float32Array | Uint32Array | Int32Array> {
    const t = this.outputs[name];
    if (!t) fail(`compiled step: no output named '${name}'`);
    const bytes = await this.rt.readBuffer({ buffer: this.plan.ref(t).buffer, size: t.bytes });
    return decode(t.dtype, bytes, t.numel);
  }

  private stagingFor(name: string, bytes: number): GPUBuffer {
    let b = this.staging.get(name);
    if (!b) {
      b = this.rt.gpu.device.createBuffer({ label: `step/read/${name}`, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      this.staging.set(name, b);
    }
    return b;
  }

  dispose(): void {
    this.plan.dispose();
    for (const b of this.staging.values()) b.destroy();
    this.staging.clear();
  }
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
  return new CompiledStep(rt, plan, inputs, outputs);
}
