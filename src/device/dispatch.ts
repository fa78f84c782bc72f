// What a lowered op asks the GPU to do: one kernel, its specialisation, the buffers it binds, its
// uniforms and its grid. Ops describe dispatches with these (src/tensor's LowerCtx); the
// executors in src/graph turn them into pipelines and bind groups (src/graph/dispatch.ts).
import type { Constants, Kernel } from './kernel.js';
import type { UniformValue } from './uniforms.js';

export interface BufferRef {
  buffer: GPUBuffer;
  /** Bytes the view covers (bound with exactly this size). */
  size: number;
  /**
   * Where the view starts in `buffer` (default 0): parameters and their gradients live in the flat
   * buffers of their optimizer's group. A multiple of minStorageBufferOffsetAlignment.
   */
  offset?: number;
}

export interface DispatchSpec {
  kernel: Kernel;
  constants?: Constants;
  /** Storage buffers by their WGSL variable name (`faults` is bound by the executor). */
  bind: Record<string, BufferRef>;
  /** Uniform struct members by name; `rng_step` and `fault_site` are filled in by the executor when left out. */
  uniforms?: Record<string, UniformValue>;
  /** Workgroup counts; a single number means [n, 1, 1]. */
  workgroups: number | readonly [number, number?, number?];
}
