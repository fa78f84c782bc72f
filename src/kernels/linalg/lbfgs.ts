// Limited-memory BFGS on the GPU (shaders/linalg/lbfgs.wgsl): a ring of curvature pairs that
// the two-loop recursion applies to every column of a matrix at once, for K-BFGS(L)'s H^g.
import source from '../../../shaders/linalg/lbfgs.wgsl';
import sumSource from '../../../shaders/linalg/workgroup-sum.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../graph/dispatch.js';
import type { LowerCtx } from '../../graph/op.js';
import { runtime } from '../../graph/runtime.js';
import { zeros, tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Kernel } from '../kernel.js';
import { SKIP_EPS } from './bfgs.js';
import { bindFor, matrixDims, recordEffect, requireLeaf, requireShape } from './effect.js';

const appendKernel = new Kernel({ name: 'linalg/lbfgs-append', source: [sumSource, source], entry: 'append' });
const applyKernel = new Kernel({ name: 'linalg/lbfgs-apply', source: [sumSource, source], entry: 'apply' });

/** The GPU state of one L-BFGS matrix of size n with memory `capacity`. */
export class LbfgsMemory {
  /** Pairs as rows, [capacity, n]. */
  readonly s: Tensor;
  readonly y: Tensor;
  /** 1/(sᵀy) per slot. */
  readonly rho: Tensor;
  /** u32 [count, head]. */
  readonly meta: Tensor;

  /** `gamma`: the initial matrix γI (the authors fix γ = 1). */
  constructor(readonly n: number, readonly capacity: number, readonly gamma = 1) {
    if (!Number.isInteger(capacity) || capacity < 1) fail(`LbfgsMemory: capacity ${capacity} must be a positive integer`);
    if (!Number.isInteger(n) || n < 1) fail(`LbfgsMemory: size ${n} must be a positive integer`);
    if (!(gamma > 0 && Number.isFinite(gamma))) fail(`LbfgsMemory: γ = ${gamma} must be a positive number`);
    const rt = runtime();
    this.s = rt.keep(zeros([capacity, n], 'lbfgs/s'));
    this.y = rt.keep(zeros([capacity, n], 'lbfgs/y'));
    this.rho = rt.keep(zeros([capacity], 'lbfgs/rho'));
    this.meta = rt.keep(tensor([0, 0], [2], 'u32', 'lbfgs/meta'));
  }

  /** The tensors the kernels bind, by WGSL name (for recordEffect). */
  tensors(): Record<string, Tensor> {
    return { S: this.s, Y: this.y, rho: this.rho, ring_info: this.meta };
  }

  /** Stored pairs (reads the GPU's counter). */
  async count(): Promise<number> {
    return (await this.meta.data())[0]!;
  }

  dispose(): void {
    for (const t of Object.values(this.tensors())) t.dispose();
  }
}

type MemoryRefs = Record<'S' | 'Y' | 'rho' | 'ring_info', BufferRef>;

/** Appends (s, y) to the ring unless the skip test (with g) rejects it. */
export function emitLbfgsAppend(ctx: LowerCtx, mem: LbfgsMemory, refs: MemoryRefs & Record<'s' | 'y' | 'g' | 'diag', BufferRef>): void {
  ctx.dispatch({
    kernel: appendKernel,
    bind: bindFor(appendKernel, refs),
    uniforms: { n: mem.n, cap: mem.capacity, skip_eps: SKIP_EPS },
    workgroups: 1,
  });
}

/** out [n, cols] ← H·d by the two-loop recursion (out ≠ d). */
export function emitLbfgsApply(ctx: LowerCtx, mem: LbfgsMemory, refs: MemoryRefs, d: BufferRef, out: BufferRef, cols: number): void {
  const alpha = ctx.scratch(mem.capacity * cols * 4);
  const bind = { Sr: refs.S, Yr: refs.Y, rhor: refs.rho, ring_info_r: refs.ring_info, d, out, alpha };
  ctx.dispatch({
    kernel: applyKernel,
    bind,
    uniforms: { n: mem.n, cols, cap: mem.capacity, gamma: mem.gamma },
    workgroups: Math.ceil(cols / 64),
  });
}

/** Stores the pair (s, y) [n] in the memory unless sᵀy ≤ 0 or sᵀy ≤ 1e-4·sᵀs·‖g‖; diag (u32 [4]) counts. */
export function lbfgsAppend(mem: LbfgsMemory, s: Tensor, y: Tensor, g: Tensor, diag: Tensor): void {
  const what = 'lbfgsAppend';
  for (const [name, t] of Object.entries({ s, y, g })) requireShape(what, name, t, [mem.n]);
  requireShape(what, 'diag', diag, [4], 'u32');
  requireLeaf(what, 'diag', diag);
  recordEffect(what, { ...mem.tensors(), s, y, g, diag }, (ctx, r) =>
    emitLbfgsAppend(ctx, mem, r as MemoryRefs & Record<'s' | 'y' | 'g' | 'diag', BufferRef>),
  );
}

/** out [n, cols] ← H·d with the memory's H (γI when empty), every column at once. */
export function lbfgsApply(mem: LbfgsMemory, d: Tensor, out: Tensor): void {
  const what = 'lbfgsApply';
  const [n, cols] = matrixDims(what, 'd', d);
  if (n !== mem.n) fail(`${what}: d has ${n} rows but the memory holds vectors of size ${mem.n}`);
  requireShape(what, 'out', out, [n, cols]);
  requireLeaf(what, 'out', out);
  if (out === d) fail(`${what}: out must differ from d`);
  recordEffect(what, { ...mem.tensors(), d, out }, (ctx, r) => emitLbfgsApply(ctx, mem, r as MemoryRefs, r.d!, r.out!, cols));
}
