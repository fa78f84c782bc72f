// Limited-memory BFGS on the GPU (shaders/linalg/lbfgs.wgsl, lbfgs-compact.wgsl): a ring of
// curvature pairs, applied to every column of a matrix at once in the compact form (Byrd,
// Nocedal & Schnabel 1994) for K-BFGS(L)'s H^g: GEMMs over n around a p×p solve per column,
// so the work spreads over n·cols threads where the two-loop recursion ran one per column.
import compactSource from '../../../shaders/linalg/lbfgs-compact.wgsl';
import source from '../../../shaders/linalg/lbfgs.wgsl';
import sumSource from '../../../shaders/linalg/workgroup-sum.wgsl';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import { runtime } from '../../graph/runtime.js';
import { zeros, tensor } from '../../tensor/create.js';
import type { Tensor, LowerCtx } from '../../tensor/tensor.js';
import { dispatchGemm, type GemmFlags } from '../gemm/kernels.js';
import { Kernel } from '../../device/kernel.js';
import { emitAddScaled, maxAddScaled, SKIP_EPS } from './bfgs.js';
import { bindFor, matrixDims, recordEffect, requireLeaf, requireShape } from './effect.js';

const appendKernel = new Kernel({ name: 'linalg/lbfgs-append', source: [sumSource, source], entry: 'append' });
const coefKernel = new Kernel({ name: 'linalg/lbfgs-coefficients', source: compactSource });
// bfgs.wgsl's acc ← acc + c·ax adds the γD term after the last GEMM.

/** The GPU state of one L-BFGS matrix of size n with memory `capacity`. */
export class LbfgsMemory {
  /** Pairs as rows, [2·capacity, n]: s of slot k in row k, its y in row capacity + k. */
  readonly sy: Tensor;
  /** u32 [count, head]. */
  readonly meta: Tensor;

  /** `gamma`: the initial matrix γI (the authors fix γ = 1). */
  constructor(readonly n: number, readonly capacity: number, readonly gamma = 1) {
    if (!Number.isInteger(capacity) || capacity < 1) fail(`LbfgsMemory: capacity ${capacity} must be a positive integer`);
    if (!Number.isInteger(n) || n < 1) fail(`LbfgsMemory: size ${n} must be a positive integer`);
    if (!(gamma > 0 && Number.isFinite(gamma))) fail(`LbfgsMemory: γ = ${gamma} must be a positive number`);
    const rt = runtime();
    // Zeros in the unused slots: the GEMMs read every slot (with coefficient 0).
    this.sy = rt.keep(zeros([2 * capacity, n], 'lbfgs/sy'));
    this.meta = rt.keep(tensor([0, 0], [2], 'u32', 'lbfgs/meta'));
  }

  /** The tensors the kernels bind, by WGSL name (for recordEffect). */
  tensors(): Record<string, Tensor> {
    return { SY: this.sy, ring_info: this.meta };
  }

  /** Stored pairs (reads the GPU's counter). */
  async count(): Promise<number> {
    return (await this.meta.data())[0]!;
  }

  dispose(): void {
    for (const t of Object.values(this.tensors())) t.dispose();
  }
}

type MemoryRefs = Record<'SY' | 'ring_info', BufferRef>;

/** Appends (s, y) to the ring unless the skip test (with g) rejects it. */
export function emitLbfgsAppend(ctx: LowerCtx, mem: LbfgsMemory, refs: MemoryRefs & Record<'s' | 'y' | 'g' | 'diag', BufferRef>): void {
  ctx.dispatch({
    kernel: appendKernel,
    bind: bindFor(appendKernel, refs),
    uniforms: { n: mem.n, cap: mem.capacity, skip_eps: SKIP_EPS },
    workgroups: 1,
  });
}

/**
 * out [n, cols] ← H·d (out ≠ d): w = SY·d and gram = SY·SYᵀ (GEMMs over n), the p×p solves
 * per column (coef), out = SYᵀ·coef (a GEMM over 2p), out += γ·d.
 */
export function emitLbfgsApply(ctx: LowerCtx, mem: LbfgsMemory, refs: MemoryRefs, d: BufferRef, out: BufferRef, cols: number): void {
  const { n, capacity: cap, gamma } = mem;
  if (n * cols > maxAddScaled()) fail(`L-BFGS apply: ${n}×${cols} has more than ${maxAddScaled()} elements; apply it to fewer columns at a time`);
  const rows = 2 * cap;
  const gram = ctx.scratch(rows * rows * 4);
  const w = ctx.scratch(rows * cols * 4);
  const coef = ctx.scratch(rows * cols * 4);
  const plain: GemmFlags = { transposeA: false, transposeB: false, activation: 'none' };
  const one = { aBatch: 0, bBatch: 0 };
  dispatchGemm(ctx, { a: refs.SY, b: refs.SY, c: gram }, { batch: 1, m: rows, n: rows, k: n }, one, { ...plain, transposeB: true });
  dispatchGemm(ctx, { a: refs.SY, b: d, c: w }, { batch: 1, m: rows, n: cols, k: n }, one, plain);
  ctx.dispatch({
    kernel: coefKernel,
    bind: { ring: refs.ring_info, gram, w, coef },
    uniforms: { cols, cap, gamma },
    workgroups: Math.ceil(cols / coefKernel.defaultWorkgroupSize[0]),
  });
  dispatchGemm(ctx, { a: refs.SY, b: coef, c: out }, { batch: 1, m: n, n: cols, k: rows }, one, { ...plain, transposeA: true });
  emitAddScaled(ctx, d, out, n * cols, gamma);
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
