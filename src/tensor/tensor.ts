// A tensor is a node of the graph: a leaf holding GPU storage, a placeholder fed at each step
// of a compiled plan, or the output of an op. In eager mode every op runs as soon as it is
// applied; while tracing, ops only record and a plan runs them later.
import { GradwgslError, fail } from '../device/errors.js';
import type { OpDef, OpNode } from '../graph/op.js';
import { runtime } from '../graph/runtime.js';
import { backward as runBackward } from '../graph/autograd.js';
import { DTYPES, byteLength, type DType } from './dtype.js';
import { checkShape, contiguousStrides, fmt, numel, type Shape } from './shape.js';

/** GPU memory shared by a tensor and its views, returned to the pool when the last one lets go. */
export class Storage {
  private refs = 1;
  constructor(
    readonly buffer: GPUBuffer,
    readonly bytes: number,
    private readonly onFree: (buffer: GPUBuffer) => void,
  ) {}
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0) this.onFree(this.buffer);
  }
}

export type TensorKind = 'leaf' | 'placeholder' | 'op';

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
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
    this.strides = contiguousStrides(shape);
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
    return runtime().read(this);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.numel !== 1) fail(`item(): ${this} has ${this.numel} elements, not one`);
    return (await this.data())[0]!;
  }

  /** Reverse-mode autodiff from this (scalar by default) tensor into every leaf that requires grad. */
  backward(seed?: Tensor): void {
    runBackward(this, seed);
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
    if (this.disposed || (this.kind === 'op' && !this.storage && !this.node?.op.effect && runtime().tracing)) return;
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
  const rt = runtime();
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
