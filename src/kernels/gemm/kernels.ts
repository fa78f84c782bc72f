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
import blockedMain from '../../../shaders/gemm/blocked.wgsl';
import splitKSumMain from '../../../shaders/gemm/split-k-sum.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { AdapterSummary } from '../../device/gpu.js';
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
const blocked = new Kernel({ name: 'gemm/blocked', source: gemmSource(ioScalar, blockedMain) });
const blockedVec4 = new Kernel({ name: 'gemm/blocked-vec4', source: gemmSource(ioVec4, blockedMain) });
const splitKSum = new Kernel({ name: 'gemm/split-k-sum', source: gemmSource(splitKSumMain) });

/**
 * naive: one thread per output (the oracle, and matrix-vector products). tiled: 16×16 threads,
 * 64×64 tiles of c staged through workgroup memory. small: the same tiled kernel with 4×4
 * threads and 16×16 tiles, for outputs that fill few 64×64 tiles. blocked: an 8×8 register
 * block of c per thread, no workgroup memory or barriers (CPU adapters). Any of them can also
 * run split-K (`GemmChoice.splits`): K cut into slices summed by a second pass.
 */
export type GemmVariant = 'naive' | 'tiled' | 'small' | 'blocked';
export const GEMM_VARIANTS: readonly GemmVariant[] = ['naive', 'tiled', 'small', 'blocked'];

/** A variant and the number of K slices it runs (1: no split). */
export interface GemmChoice {
  variant: GemmVariant;
  splits: number;
}

const TILES = {
  tiled: { TX: 16, TY: 16, TK: 16 },
  small: { TX: 4, TY: 4, TK: 16 },
} as const;
/** Outputs per thread along each side in blocked.wgsl, and its threads per workgroup side. */
const BLOCK = 8;
const BLOCKED_WG = 8;
/** K slices are multiples of this: a vec4 and tiled.wgsl's TK step (common.wgsl, k_slice). */
const SLICE_ALIGN = 16;
/** Read when first dispatched, not at import: kernels reflect on first use. */
const naiveWg = () => naive.defaultWorkgroupSize[0];

/** Logical sizes: `batch` matrices op(A) [m, k] times op(B) [k, n]. */
export interface GemmShape {
  batch: number;
  m: number;
  n: number;
  k: number;
}

/** What the selection reads from the adapter (see gemmTarget). */
export interface GemmTarget {
  /** A CPU implementation of WebGPU (lavapipe, SwiftShader). */
  software: boolean;
}

/**
 * A CPU adapter is told by `adapter.info`: Dawn sets `isFallbackAdapter` for adapters of type
 * CPU (lavapipe, SwiftShader), and lavapipe reports `architecture` 'software'. The vendor and
 * description strings are not read.
 */
export function gemmTarget(adapter: Pick<AdapterSummary, 'isFallbackAdapter' | 'architecture'>): GemmTarget {
  return { software: adapter.isFallbackAdapter || adapter.architecture === 'software' };
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

let forced: GemmChoice | null = null;

/**
 * Makes every GEMM use one variant, and `splits` K slices (tests, benchmarks; a shape with too
 * short a K for that many slices of 16 gets fewer); null restores the selection.
 */
export function forceGemmVariant(variant: GemmVariant | null, splits = 1): void {
  if (variant !== null && !GEMM_VARIANTS.includes(variant)) {
    fail(`forceGemmVariant: unknown variant '${variant}'; use one of ${GEMM_VARIANTS.join(', ')} or null`);
  }
  if (!Number.isInteger(splits) || splits < 1) fail(`forceGemmVariant: splits ${splits} must be a positive integer`);
  forced = variant === null ? null : { variant, splits };
}

/** Workgroups the variant's main pass launches for this shape, before any split. */
function workgroups(variant: GemmVariant, s: GemmShape): number {
  const side = variant === 'naive' ? 0 : variant === 'blocked' ? BLOCK * BLOCKED_WG : 4 * TILES[variant].TX;
  return side ? Math.ceil(s.m / side) * Math.ceil(s.n / side) * s.batch : Math.ceil((s.m * s.n) / naiveWg()) * s.batch;
}
/**
 * Threads of work a split-K GEMM aims for: the number of workgroups below which the main pass
 * leaves the adapter idle. lavapipe runs one workgroup per CPU thread (one per core); a GPU
 * wants a few workgroups per compute unit (an H100 has 132). Measurements: see chooseGemm.
 */
const BUSY_WORKGROUPS = { software: 8, gpu: 256 };
/** Shortest K slice worth a pass of its own (the second pass reads every partial again). */
const MIN_SLICE = 256;

/**
 * The variant and number of K slices a GEMM of this shape runs with on this target (the
 * forced one, if any). Lavapipe numbers (2 CPU cores, f32, median ms; the best of 4 runs made
 * while other jobs shared the cores, so read the ratios):
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
 * MEASURED_BLOCKED
 */
export function chooseGemm(s: GemmShape, target: GemmTarget): GemmChoice {
  if (forced) return forced;
  const variant = chooseVariant(s, target);
  return { variant, splits: chooseSplits(variant, s, target) };
}

function chooseVariant(s: GemmShape, target: GemmTarget): GemmVariant {
  if (s.m * s.n < 16 * 16 || s.m === 1 || s.n === 1) return 'naive';
  if (target.software) return 'blocked';
  const big = 4 * TILES.tiled.TX;
  const tiles = Math.ceil(s.m / big) * Math.ceil(s.n / big) * s.batch;
  const filled = (s.m * s.n * s.batch) / (tiles * big * big);
  return tiles >= 4 && filled >= 0.5 ? 'tiled' : 'small';
}

/** Enough K slices to keep BUSY_WORKGROUPS busy, none shorter than MIN_SLICE. */
function chooseSplits(variant: GemmVariant, s: GemmShape, target: GemmTarget): number {
  const busy = target.software ? BUSY_WORKGROUPS.software : BUSY_WORKGROUPS.gpu;
  const launched = workgroups(variant, s);
  if (launched >= busy) return 1;
  return Math.max(1, Math.min(Math.ceil(busy / launched), Math.floor(s.k / MIN_SLICE)));
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
  const { variant, splits: wanted } = chooseGemm(s, gemmTarget(ctx.gpu.adapter));
  // Slices of a multiple of 16 k; rounding up may leave fewer slices than asked for.
  const kSlice = wanted > 1 ? Math.ceil(s.k / wanted / SLICE_ALIGN) * SLICE_ALIGN : s.k;
  const splits = wanted > 1 ? Math.ceil(s.k / kSlice) : 1;
  const split = splits > 1;
  // A split GEMM writes partial sums to scratch; the bias and activation wait for their total.
  const out = split ? ctx.scratch(s.batch * splits * s.m * s.n * 4) : refs.c;
  const epilogue = { HAS_BIAS: refs.bias ? 1 : 0, ACT: ACTIVATIONS.code[flags.activation] };
  const constants = {
    TRANS_A: flags.transposeA ? 1 : 0,
    TRANS_B: flags.transposeB ? 1 : 0,
    ...(split ? { HAS_BIAS: 0, ACT: ACTIVATIONS.code.none } : epilogue),
    // Left at their defaults when unused, so forward GEMMs keep their pipelines.
    ...(flags.through ? { GRAD_ACT: ACTIVATIONS.code[flags.through.activation], GRAD_ON_B: flags.through.operand === 'b' ? 1 : 0 } : {}),
  };
  // Unused bindings are still declared by the shader; a (read-only) stands in for them.
  const bind = { a: refs.a, b: refs.b, bias: refs.bias ?? refs.a, c: out, y: refs.y ?? refs.a };
  const uniforms = { m: s.m, n: s.n, k: s.k, a_batch: strides.aBatch, b_batch: strides.bBatch, splits, k_slice: kSlice };
  const z = s.batch * splits;
  // vec4 access needs every stored row (a's, b's and c's) to be a multiple of 4 long.
  const aCols = flags.transposeA ? s.m : s.k;
  const bCols = flags.transposeB ? s.k : s.n;
  const vec4 = aCols % 4 === 0 && bCols % 4 === 0 && s.n % 4 === 0;
  if (variant === 'naive') {
    const [x, y] = grid1d(s.m * s.n, naiveWg());
    ctx.dispatch({ kernel: naive, constants, bind, uniforms, workgroups: [x, y, z] });
  } else if (variant === 'blocked') {
    const side = BLOCK * BLOCKED_WG;
    ctx.dispatch({
      kernel: vec4 ? blockedVec4 : blocked,
      constants: { ...constants, WX: BLOCKED_WG, WY: BLOCKED_WG },
      bind,
      uniforms,
      workgroups: [Math.ceil(s.n / side), Math.ceil(s.m / side), z],
    });
  } else {
    const tile = TILES[variant];
    ctx.dispatch({
      kernel: vec4 ? tiledVec4 : tiled,
      constants: { ...constants, ...tile },
      bind,
      uniforms,
      workgroups: [Math.ceil(s.n / (4 * tile.TX)), Math.ceil(s.m / (4 * tile.TY)), z],
    });
  }
  if (!split) return;
  const [x, y] = grid1d(s.m * s.n, splitKSum.defaultWorkgroupSize[0]);
  ctx.dispatch({
    kernel: splitKSum,
    constants: epilogue,
    bind: { partial: out, bias: refs.bias ?? refs.a, c: refs.c },
    uniforms,
    workgroups: [x, y, s.batch],
  });
}
