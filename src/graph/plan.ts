// A compiled plan: the recorded graph scheduled once into an ordered dispatch list, with
// intermediate buffers allocated up front and shared by liveness, bind groups and uniforms
// built once, and every replay encoded into a single command buffer.
import type { BufferRef, DispatchSpec } from '../device/dispatch.js';
import { GradwgslError, fail } from '../device/errors.js';
import { fmt } from '../tensor/shape.js';
import type { LowerCtx, Tensor } from '../tensor/tensor.js';
import {
  UNIFORM_ALIGN,
  createBindGroup,
  encodeDispatches,
  validateDispatch,
  workgroupCounts,
  writeUniforms,
  type PreparedDispatch,
} from './dispatch.js';
import { createFaultBuffer } from './faults.js';
import { dispatchLabel, nanWords, opSignature, type Runtime } from './runtime.js';
import { allocationSize } from '../device/buffer-pool.js';

/**
 * Whether a value is computed by the plan: an op output recorded while tracing. An op output that
 * was computed eagerly before tracing (it has storage, or had it and was disposed) is an input the
 * plan binds as it is, like a parameter; its node may have lost its inputs after execution.
 */
function traced(t: Tensor): boolean {
  return t.kind === 'op' && !t.storage && !t.isDisposed;
}

/** Nodes to run, inputs first: every value the roots need, then the effects in order. */
export function schedule(roots: readonly Tensor[], effects: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  const visit = (start: Tensor) => {
    const stack: [Tensor, boolean][] = [[start, false]];
    while (stack.length) {
      const [t, expanded] = stack.pop()!;
      if (expanded) {
        order.push(t);
        continue;
      }
      if (seen.has(t.id) || !traced(t)) continue;
      seen.add(t.id);
      stack.push([t, true]);
      const inputs = t.node!.inputs;
      for (let i = inputs.length - 1; i >= 0; i--) stack.push([inputs[i]!, false]);
    }
  };
  for (const r of roots) visit(r);
  for (const e of effects) for (const x of e.node!.inputs) visit(x);
  // Effects write parameters in place, so they run after every value that reads them.
  for (const e of effects) if (!seen.has(e.id)) (seen.add(e.id), order.push(e));
  return order;
}

interface Recorded {
  spec: DispatchSpec;
  label: string;
  /**
   * Asked for as soon as the dispatch is recorded: Dawn compiles pipelines on worker threads, so
   * they compile while lowering goes on (reflecting the next kernels' WGSL on the main thread).
   */
  pipeline: Promise<GPUComputePipeline>;
}

export class Plan {
  readonly dispatches: PreparedDispatch[] = [];
  private readonly refs = new Map<number, BufferRef>();
  private readonly owned: GPUBuffer[] = [];
  private uniformBuffer: GPUBuffer | null = null;
  private uniformData: ArrayBuffer | null = null;
  private rngStepFields: { offset: number }[] = [];
  /** Values made before tracing that the plan binds, where they were when it was built. */
  private readonly external = new Map<Tensor, BufferRef>();
  private recorded: Recorded[] = [];
  /** Faults this plan's kernels raise (src/graph/faults.ts); a site is an index into `dispatches`. */
  readonly faults: GPUBuffer;

  private constructor(
    private readonly rt: Runtime,
    readonly order: readonly Tensor[],
  ) {
    this.faults = createFaultBuffer(rt.gpu.device, 'plan/faults');
  }

  /**
   * Schedules and prepares the graph behind `roots` and `effects`. Placeholders and `pinned`
   * values get buffers of their own that persist; all else shares buffers by liveness.
   */
  static async build(
    rt: Runtime,
    roots: readonly Tensor[],
    effects: readonly Tensor[],
    placeholders: readonly Tensor[],
  ): Promise<Plan> {
    const order = schedule(roots, effects);
    const plan = new Plan(rt, order);
    try {
      plan.allocateAndLower(new Set([...roots.map((t) => t.id)]), placeholders, effects);
      await plan.prepare();
    } catch (e) {
      plan.dispose(); // a plan that cannot run keeps no GPU memory
      throw e;
    }
    if (rt.poison) for (const b of plan.owned) if (b.usage & GPUBufferUsage.STORAGE) rt.write(b, nanWords(b.size));
    return plan;
  }

  /** The buffer behind a scheduled value, placeholder or pinned root, or a value made before tracing. */
  ref(t: Tensor): BufferRef {
    const r = this.refs.get(t.id);
    if (r) return r;
    // Values made before tracing (parameters, eager results): checked to be alive and this runtime's.
    if (t.storage || t.isDisposed) {
      const ref = this.rt.refOf(t, 'compile');
      this.external.set(t, ref);
      return ref;
    }
    throw new GradwgslError(`${t} is not part of this plan`);
  }

  /**
   * Whether a value made before tracing no longer lives where the plan binds it: an optimizer
   * created after compile() moved its parameters into its flat buffer (or one was disposed).
   */
  get stale(): boolean {
    for (const [t, ref] of this.external) {
      const s = t.storage;
      if (!s || s.buffer !== ref.buffer || s.offset !== (ref.offset ?? 0)) return true;
    }
    return false;
  }

  /** The op behind a fault site (the index of its dispatch). */
  siteLabel(site: number): string {
    return this.dispatches[site]?.label ?? 'a kernel of this plan';
  }

  private newBuffer(bytes: number, label: string, what: string): GPUBuffer {
    const b = this.rt.gpu.device.createBuffer({
      label,
      size: allocationSize(this.rt.gpu.limits, bytes, what),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.owned.push(b);
    return b;
  }

  /**
   * Where effects asked for their inputs to be computed (OpDef.place): value id -> a region of a
   * kept leaf. Only op outputs with a buffer of their own (not views), each placed once.
   */
  private placements(effects: readonly Tensor[]): Map<number, BufferRef> {
    const placed = new Map<number, BufferRef>();
    for (const e of effects) {
      const node = e.node!;
      for (const { value, into, byteOffset } of node.op.place?.(node) ?? []) {
        // A reshape is the buffer of its source: place the source when it has the same bytes.
        let owner = value;
        while (traced(owner) && owner.node!.op.view) owner = owner.node!.inputs[0]!;
        if (!traced(owner) || owner.bytes !== value.bytes || owner.node!.op.effect || placed.has(owner.id)) continue;
        const base = this.ref(into);
        if (byteOffset + value.bytes > base.size) fail(`internal: ${value} placed past the end of ${into}`);
        placed.set(owner.id, { buffer: base.buffer, offset: (base.offset ?? 0) + byteOffset, size: value.bytes });
      }
    }
    return placed;
  }

  private allocateAndLower(pinned: Set<number>, placeholders: readonly Tensor[], effects: readonly Tensor[]): void {
    const placed = this.placements(effects);
    for (const p of placeholders) {
      const what = `compiled step input '${p.name}' (${p.dtype}${fmt(p.shape)})`;
      this.refs.set(p.id, { buffer: this.newBuffer(p.bytes, p.name, what), size: p.bytes });
    }
    // A view shares its source's buffer, so liveness is tracked on the buffer's owner.
    const owner = new Map<number, number>();
    const ownerOf = (t: Tensor) => owner.get(t.id) ?? t.id;
    const lastUse = new Map<number, number>();
    this.order.forEach((t, i) => {
      if (t.node!.op.view) owner.set(t.id, ownerOf(t.node!.inputs[0]!));
      for (const x of t.node!.inputs) lastUse.set(ownerOf(x), i);
    });
    for (const id of pinned) lastUse.set(owner.get(id) ?? id, Infinity);
    for (const t of this.order) if (t.node!.op.view && pinned.has(t.id)) lastUse.set(ownerOf(t), Infinity);

    const free = new Map<number, GPUBuffer[]>();
    const take = (bytes: number, label: string, what: string): GPUBuffer => {
      return free.get(allocationSize(this.rt.gpu.limits, bytes, what))?.pop() ?? this.newBuffer(bytes, label, what);
    };
    const give = (b: GPUBuffer) => {
      const list = free.get(b.size);
      if (list) list.push(b);
      else free.set(b.size, [b]);
    };

    const scheduled = new Set(this.order.filter((t) => !t.node!.op.view).map((t) => t.id));
    this.order.forEach((t, i) => {
      const node = t.node!;
      if (node.op.view) {
        this.refs.set(t.id, { ...this.ref(node.inputs[0]!), size: t.bytes });
      } else {
        if (!node.op.effect) {
          this.refs.set(t.id, placed.get(t.id) ?? { buffer: take(t.bytes, t.name, `the output of ${opSignature(t)}`), size: t.bytes });
        }
        const scratch: GPUBuffer[] = [];
        const ctx: LowerCtx = {
          gpu: this.rt.gpu,
          ref: (x) => this.ref(x),
          out: node.op.effect ? { buffer: null as never, size: 0 } : this.ref(t),
          scratch: (bytes) => {
            const b = take(bytes, `${t.name}/scratch`, `a ${bytes}-byte scratch buffer of ${opSignature(t)}`);
            scratch.push(b);
            return { buffer: b, size: bytes };
          },
          dispatch: (spec) => {
            const label = dispatchLabel(t, spec);
            validateDispatch(this.rt.gpu, spec, label);
            const pipeline = spec.kernel.pipelineAsync(this.rt.gpu, spec.constants);
            pipeline.catch(() => undefined); // awaited in prepare(); a plan that fails to lower never gets there
            this.recorded.push({ spec, label, pipeline });
          },
        };
        node.op.lower(ctx, node, t);
        scratch.forEach(give);
      }
      // Free what dies here (an output nobody reads dies at once).
      const dying = new Set<number>();
      for (const x of node.inputs) if (lastUse.get(ownerOf(x)) === i) dying.add(ownerOf(x));
      if (!node.op.effect && !node.op.view && !lastUse.has(t.id)) dying.add(t.id);
      for (const id of dying) {
        const r = this.refs.get(id);
        if (r && scheduled.has(id) && !placed.has(id)) give(r.buffer);
      }
    });
  }

  /** Waits for every pipeline (compiling in parallel since lowering), then writes uniforms and bind groups once. */
  private async prepare(): Promise<void> {
    const gpu = this.rt.gpu;
    const pipelines = await Promise.all(this.recorded.map((r) => r.pipeline));
    const slots = this.recorded.map((r) => (r.spec.kernel.uniform ? Math.ceil(r.spec.kernel.uniform.size / UNIFORM_ALIGN) : 0));
    const total = slots.reduce((a, b) => a + b, 0) * UNIFORM_ALIGN;
    if (total) {
      this.uniformData = new ArrayBuffer(total);
      this.uniformBuffer = gpu.device.createBuffer({
        label: 'plan/uniforms',
        size: total,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.owned.push(this.uniformBuffer);
    }
    const view = this.uniformData ? new DataView(this.uniformData) : null;
    await gpu.scoped('plan build', () => {
      let offset = 0;
      this.recorded.forEach((r, i) => {
        const layout = r.spec.kernel.uniform;
        let uniform: { buffer: GPUBuffer; offset: number } | null = null;
        if (layout) {
          writeUniforms(r.spec, { rngStep: 0, faultSite: i }, view!, offset, r.label);
          const step = layout.members.find((m) => m.name === 'rng_step');
          if (step && r.spec.uniforms?.rng_step === undefined) this.rngStepFields.push({ offset: offset + step.offset });
          uniform = { buffer: this.uniformBuffer!, offset };
          offset += slots[i]! * UNIFORM_ALIGN;
        }
        this.dispatches.push({
          label: r.label,
          pipeline: pipelines[i]!,
          bindGroup: createBindGroup(gpu, r.spec, uniform, this.faults, r.label),
          workgroups: workgroupCounts(r.spec),
        });
      });
      if (this.uniformBuffer) gpu.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniformData!);
    });
    this.recorded = [];
  }

  /** Sets the step counter random kernels mix into their streams (written only if used). */
  setRngStep(step: number): void {
    if (!this.rngStepFields.length) return;
    const view = new DataView(this.uniformData!);
    for (const f of this.rngStepFields) view.setUint32(f.offset, step >>> 0, true);
    this.rt.gpu.device.queue.writeBuffer(this.uniformBuffer!, 0, this.uniformData!);
  }

  /** Records the whole plan into one compute pass of `encoder`. */
  encode(encoder: GPUCommandEncoder): void {
    // Profiling (src/profile): one timed pass per dispatch, since WebGPU timestamps only at pass edges.
    const timer = this.rt.passTimer;
    if (timer) {
      for (const d of this.dispatches) {
        const pass = encoder.beginComputePass({ label: d.label, timestampWrites: timer.timestampWrites(d.label) });
        encodeDispatches(pass, [d]);
        pass.end();
      }
      return;
    }
    const pass = encoder.beginComputePass({ label: 'plan' });
    encodeDispatches(pass, this.dispatches);
    pass.end();
  }

  get bufferCount(): number {
    return this.owned.length;
  }

  dispose(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
    this.faults.destroy();
  }
}
