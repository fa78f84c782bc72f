// The GEMM kernels (shaders/gemm/) and the choice between them. Every variant computes
// c[b] = act(op(a[b]) · op(b[b]) + bias) for the same uniforms, optionally reading one operand
// through an activation's derivative (backward GEMMs), so the choice is invisible to callers
// except in speed.
import nan from '../../../shaders/common/nan.wgsl';
import common from '../../../shaders/gemm/common.wgsl';
import ioScalar from '../../../shaders/gemm/io-scalar.wgsl';
import ioVec4 from '../../../shaders/gemm/io-vec4.wgsl';
import naiveMain from '../../../shaders/gemm/naive.wgsl';
import tiledMain from '../../../shaders/gemm/tiled.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { LowerCtx } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

/** The activations a GEMM epilogue applies (ACT) or differentiates through (GRAD_ACT). */
export const ACTIVATIONS = new CodeTable('ACT', ['none', 'relu', 'tanh', 'sigmoid'] as const);
export type Activation = (typeof ACTIVATIONS.names)[number];

const gemmSource = (...parts: string[]) => ACTIVATIONS.withSource('gemm', POISON_WGSL, nan, common, ...parts);
const naive = new Kernel({ name: 'gemm/naive', source: gemmSource(ioScalar, naiveMain) });
const tiled = new Kernel({ name: 'gemm/tiled', source: gemmSource(ioScalar, tiledMain) });
const tiledVec4 = new Kernel({ name: 'gemm/tiled-vec4', source: gemmSource(ioVec4, tiledMain) });

/**
 * naive: one thread per output (the oracle, and matrix-vector products). tiled: 16×16 threads,
 * 64×64 tiles of c. small: the same tiled kernel with 4×4 threads and 16×16 tiles, for outputs
 * that fill few 64×64 tiles (more, smaller workgroups keep every core busy and waste less on
 * padding).
 */
export type GemmVariant = 'naive' | 'tiled' | 'small';
export const GEMM_VARIANTS: readonly GemmVariant[] = ['naive', 'tiled', 'small'];

const TILES = {
  tiled: { TX: 16, TY: 16, TK: 16 },
  small: { TX: 4, TY: 4, TK: 16 },
} as const;
/** Read when first dispatched, not at import: kernels reflect on first use. */
const naiveWg = () => naive.defaultWorkgroupSize[0];

/** Logical sizes: `batch` matrices op(A) [m, k] times op(B) [k, n]. */
export interface GemmShape {
  batch: number;
  m: number;
  n: number;
  k: number;
}

export interface GemmFlags {
  transposeA: boolean;
  transposeB: boolean;
  activation: Activation;
  /**
   * Read `operand` (an output gradient g) as g ⊙ act'(y), y = refs.y being that activation's
   * output stored like the operand: the backward pass of a fused activation, without a
   * dispatch of its own.
   */
  through?: { activation: Activation; operand: 'a' | 'b' };
}

let forced: GemmVariant | null = null;

/** Makes every GEMM use one variant (tests, benchmarks); null restores the heuristic. */
export function forceGemmVariant(variant: GemmVariant | null): void {
  if (variant !== null && !GEMM_VARIANTS.includes(variant)) {
    fail(`forceGemmVariant: unknown variant '${variant}'; use one of ${GEMM_VARIANTS.join(', ')} or null`);
  }
  forced = variant;
}

/**
 * The variant a GEMM of this shape runs with (the forced one, if any). Lavapipe numbers
 * (2 CPU cores, f32, median ms; the best of 4 runs made while other jobs shared the cores, so
 * read the ratios):
 *   M×N×K            naive   tiled   small
 *   512×512×512      846     459     516
 *   256×256×256      100      46      45
 *   128×128×128        9.8     1.8     2.6
 *   32×32×1024         1.7     3.0     1.4
 *   128×10×784         2.1     8.5     1.6   (an MLP's last layer)
 *   1×10×784           0.23    2.5     0.42
 * On an idle machine, with an earlier build of tiled.wgsl: 256³ naive 26 ms, tiled 12.6 ms;
 * 512³ naive 186 ms, tiled 74 ms.
 * Matrix-vector products (one output row or column; a bias gradient is [N, 1]), min ms of
 * 12 GPU-timed runs, load average 12 on the 2 cores:
 *   M×N×K (layout)   naive   small   tiled
 *   256×1×128 (aᵀ)     0.09    0.43    1.32
 *   256×1×2048         0.80   10.3    28.1
 *   1024×1×1024        0.86   24.3    85.4
 *   1×1024×1024        1.86   19.6    57.9
 * Big tiles win once there are several of them and they are mostly full; a lone workgroup
 * runs on one core, and a 64-wide tile over N=10 computes 84% padding, so smaller tiles win
 * there; below one small tile of output, or with one row or column of it (where a tile
 * computes 15/16 padding), nothing beats one thread per output. On real GPUs the same rule
 * keeps big tiles for big outputs and spreads small ones over more workgroups.
 */
export function chooseGemmVariant(s: GemmShape): GemmVariant {
  if (forced) return forced;
  if (s.m * s.n < 16 * 16 || s.m === 1 || s.n === 1) return 'naive';
  const big = 4 * TILES.tiled.TX;
  const tiles = Math.ceil(s.m / big) * Math.ceil(s.n / big) * s.batch;
  const filled = (s.m * s.n * s.batch) / (tiles * big * big);
  return tiles >= 4 && filled >= 0.5 ? 'tiled' : 'small';
}

export interface GemmRefs {
  a: BufferRef;
  b: BufferRef;
  /** Absent: no bias is added. */
  bias?: BufferRef;
  c: BufferRef;
  /** The activation output that `flags.through` reads; needed exactly when that is set. */
  y?: BufferRef;
}

/**
 * Records one GEMM dispatch. `aBatch` / `bBatch` are element strides between matrices
 * (0 shares one matrix across the batch).
 */
export function dispatchGemm(ctx: LowerCtx, refs: GemmRefs, s: GemmShape, strides: { aBatch: number; bBatch: number }, flags: GemmFlags): void {
  if (!flags.through !== !refs.y) fail('dispatchGemm: pass the activation output y exactly when flags.through is set');
  const variant = chooseGemmVariant(s);
  const constants = {
    TRANS_A: flags.transposeA ? 1 : 0,
    TRANS_B: flags.transposeB ? 1 : 0,
    HAS_BIAS: refs.bias ? 1 : 0,
    ACT: ACTIVATIONS.code[flags.activation],
    // Left at their defaults when unused, so forward GEMMs keep their pipelines.
    ...(flags.through ? { GRAD_ACT: ACTIVATIONS.code[flags.through.activation], GRAD_ON_B: flags.through.operand === 'b' ? 1 : 0 } : {}),
  };
  // Unused bindings are still declared by the shader; a (read-only) stands in for them.
  const bind = { a: refs.a, b: refs.b, bias: refs.bias ?? refs.a, c: refs.c, y: refs.y ?? refs.a };
  const uniforms = { m: s.m, n: s.n, k: s.k, a_batch: strides.aBatch, b_batch: strides.bBatch };
  if (variant === 'naive') {
    const [x, y] = grid1d(s.m * s.n, naiveWg());
    ctx.dispatch({ kernel: naive, constants, bind, uniforms, workgroups: [x, y, s.batch] });
    return;
  }
  // vec4 access needs every stored row (a's, b's and c's) to be a multiple of 4 long.
  const aCols = flags.transposeA ? s.m : s.k;
  const bCols = flags.transposeB ? s.k : s.n;
  const vec4 = aCols % 4 === 0 && bCols % 4 === 0 && s.n % 4 === 0;
  const tile = TILES[variant];
  ctx.dispatch({
    kernel: vec4 ? tiledVec4 : tiled,
    constants: { ...constants, ...tile },
    bind,
    uniforms,
    workgroups: [Math.ceil(s.n / (4 * tile.TX)), Math.ceil(s.m / (4 * tile.TY)), s.batch],
  });
}
