// A tensor is a node of the graph: a leaf holding GPU storage, a placeholder fed at each step
// of a compiled plan, or the output of an op. In eager mode every op runs as soon as it is
// applied; while tracing, ops only record and a plan runs them later.
//
// This module is the bottom of the engine above src/device: it declares what it needs from the
// executor (TensorEngine) and the graph layer installs itself here at init(), the way
// TensorFlow.js keeps tensor.ts a leaf, so nothing here imports from the layers above.
import type { BufferRef, DispatchSpec } from '../device/dispatch.js';
import { GradwgslError, fail } from '../device/errors.js';
import type { Gpu } from '../device/gpu.js';
import { DTYPES, byteLength, type DType } from './dtype.js';
import { checkShape, fmt, numel, type Shape } from './shape.js';

/**
 * GPU memory shared by a tensor and its views, returned to the pool when the last one lets go:
 * a whole buffer, or `bytes` of a larger one from `offset` on (a parameter inside its
 * optimizer's flat buffer, see slice()).
 */
export class Storage {
  private refs = 1;
  constructor(
    readonly buffer: GPUBuffer,
    readonly bytes: number,
    private readonly onFree: (buffer: GPUBuffer) => void,
    readonly offset = 0,
  ) {}
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0) this.onFree(this.buffer);
  }
  /** `bytes` from `offset` (relative to this storage), holding this storage alive while it lives. */
  slice(offset: number, bytes: number): Storage {
    if (offset < 0 || offset + bytes > this.bytes) {
      fail(`internal: a slice of ${bytes} bytes at ${offset} does not fit a storage of ${this.bytes} bytes`);
    }
    this.retain();
    return new Storage(this.buffer, bytes, () => this.release(), this.offset + offset);
  }
}

export type TensorKind = 'leaf' | 'placeholder' | 'op';

export interface OpNode<A> {
  readonly op: OpDef<A>;
  readonly inputs: readonly Tensor[];
  readonly attrs: A;
}

export interface LowerCtx {
  readonly gpu: Gpu;
  /** The storage of an input (or of the output, `ctx.out`). */
  ref(t: Tensor): BufferRef;
  readonly out: BufferRef;
  /** A temporary buffer that lives only while this op runs. */
  scratch(bytes: number): BufferRef;
  dispatch(spec: DispatchSpec): void;
}

/**
 * An op is the one place that knows a computation: its shape rule, how it lowers to WGSL
 * dispatches, and its gradient in terms of other ops.
 */
export interface OpDef<A = unknown> {
  readonly name: string;
  /** Output shape and dtype; throws a GradwgslError naming the op for bad inputs. */
  infer(inputs: readonly Tensor[], attrs: A): { shape: readonly number[]; dtype: DType };
  /** Emits the dispatches that compute the output (or, for effects, update inputs in place). */
  lower(ctx: LowerCtx, node: OpNode<A>, out: Tensor): void;
  /** Gradients of the inputs given the output's gradient `g`; null where none flows. */
  backward?(g: Tensor, node: OpNode<A>, out: Tensor): readonly (Tensor | null)[];
  /** The output is the first input's storage reinterpreted (reshape): nothing runs. */
  readonly view?: boolean;
  /** Updates its inputs in place and has no value of its own (optimizer steps, running stats). */
  readonly effect?: boolean;
  /**
   * Effects only: inputs that a compiled plan should compute straight into a region of a kept
   * leaf (an optimizer's flat gradient buffer), so that lowering finds them there and copies
   * nothing. A hint: an input the plan cannot place (a leaf, a view of a larger value, one
   * placed already) keeps a buffer of its own, and lower() must still handle it.
   */
  place?(node: OpNode<A>): readonly Placement[];
}

/** `value` computed into `into`'s storage from byte `byteOffset` on. */
export interface Placement {
  value: Tensor;
  into: Tensor;
  byteOffset: number;
}

/** What tensors ask of the executor (src/graph/runtime.ts implements it and installs it at init()). */
export interface TensorEngine {
  /** Whether new op outputs record what backward() needs; noGrad() turns it off. */
  gradEnabled: boolean;
  /** Non-null while compile() traces a step. */
  readonly tracing: object | null;
  /** Registers a new tensor with the current scope and, when eager, runs its op. */
  adopt(t: Tensor): void;
  /** Uploads data into a new leaf's storage. */
  upload(t: Tensor, words: ArrayBufferView): void;
  read(t: Tensor): Promise<Float32Array | Uint32Array | Int32Array>;
  backward(root: Tensor, seed?: Tensor): void;
}

let installed: TensorEngine | null = null;
let whyNone = 'gradwgsl is not initialised: call `await init()` first';

/**
 * Called by init() and shutdown(): the engine every tensor uses from then on, or none, with the
 * message that says why.
 */
export function installEngine(e: TensorEngine | null, reason = whyNone): void {
  installed = e;
  whyNone = reason;
}

export function engine(): TensorEngine {
  if (!installed) fail(whyNone);
  return installed;
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly bytes: number;
  storage: Storage | null = null;
  requiresGrad = false;
  grad: Tensor | null = null;
  /** Keep this op output's gradient in `.grad` after backward() (leaves always keep theirs). */
  retainsGrad = false;
  name: string;
  private disposed = false;
  /** The op that made it; dropped after eager execution when no gradient will need it. */
  node: OpNode<unknown> | null;

  constructor(
    shape: Shape,
    readonly dtype: DType,
    readonly kind: TensorKind,
    node: OpNode<unknown> | null = null,
    name?: string,
  ) {
    if (!(dtype in DTYPES)) fail(`unknown dtype '${dtype}'; use one of ${Object.keys(DTYPES).join(', ')}`);
    checkShape(shape, name ?? node?.op.name ?? 'tensor');
    this.shape = [...shape];
    this.numel = numel(shape);
    this.bytes = byteLength(dtype, this.numel);
    this.node = node;
    this.name = name ?? (node ? node.op.name : kind);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  toString(): string {
    return `Tensor#${this.id}(${this.name} ${this.dtype}${fmt(this.shape)})`;
  }

  /** Throws if this tensor cannot be used any more. */
  assertAlive(what: string): void {
    if (this.disposed) throw new GradwgslError(`${what}: ${this} was disposed`);
  }

  /** Copies the values back to the CPU (waits for pending work). */
  async data(): Promise<Float32Array | Uint32Array | Int32Array> {
    return engine().read(this);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.numel !== 1) fail(`item(): ${this} has ${this.numel} elements, not one`);
    return (await this.data())[0]!;
  }

  /** Reverse-mode autodiff from this (scalar by default) tensor into every leaf that requires grad. */
  backward(seed?: Tensor): void {
    engine().backward(this, seed);
  }

  /**
   * Asks backward() to store this intermediate value's gradient in `.grad` (K-FAC and K-BFGS
   * read pre-activation gradients this way). Inside compile() the gradient is a traced value:
   * return it as an output of the step to read it.
   */
  retainGrad(): this {
    if (!this.requiresGrad) fail(`retainGrad(): ${this} does not require grad, so no gradient will reach it`);
    this.retainsGrad = true;
    return this;
  }

  /** Marks a leaf as trainable. */
  trainable(flag = true): this {
    if (this.kind !== 'leaf') fail(`trainable(): only leaves can be trained, ${this} is an op output`);
    this.requiresGrad = flag;
    return this;
  }

  dispose(): void {
    // A traced value owns no memory (its plan does) and its node is still part of the graph.
    if (this.disposed || (this.kind === 'op' && !this.storage && !this.node?.op.effect && engine().tracing)) return;
    this.disposed = true;
    this.storage?.release();
    this.storage = null;
    this.node = null;
    this.grad?.dispose();
    this.grad = null;
  }
}

/** Records an op in the graph; in eager mode it also runs it. */
export function apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const rt = engine();
  for (const t of inputs) {
    if (!(t instanceof Tensor)) fail(`${op.name}: expected Tensor inputs, got ${typeof t}`);
    t.assertAlive(op.name);
  }
  const { shape, dtype } = op.infer(inputs, attrs);
  const node: OpNode<unknown> = { op: op as OpDef<unknown>, inputs: [...inputs], attrs };
  const out = new Tensor(op.effect ? [1] : shape, dtype, 'op', node);
  out.requiresGrad = rt.gradEnabled && !op.effect && !!op.backward && inputs.some((t) => t.requiresGrad);
  rt.adopt(out);
  return out;
}
