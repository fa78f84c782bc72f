// An op is the one place that knows a computation: its shape rule, how it lowers to WGSL
// dispatches, and its gradient in terms of other ops.
import type { Gpu } from '../device/gpu.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BufferRef, DispatchSpec } from './dispatch.js';

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
}
