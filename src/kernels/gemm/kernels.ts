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
import subgroupMain from '../../../shaders/gemm/subgroup.wgsl';
import ioF16 from '../../../shaders/gemm/io-f16.wgsl';
import ioF16Vec4 from '../../../shaders/gemm/io-f16-vec4.wgsl';
import { CodeTable, POISON_WGSL } from '../../device/codes.js';
import { fail } from '../../device/errors.js';
import type { BufferRef } from '../../device/dispatch.js';
import type { AdapterSummary, Gpu, OptionalFeature } from '../../device/gpu.js';
import type { LowerCtx } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

/** The activations a GEMM epilogue applies (ACT) or differentiates through (GRAD_ACT). */
export const ACTIVATIONS = new CodeTable('ACT', ['none', 'relu', 'tanh', 'sigmoid'] as const);
export type Activation = (typeof ACTIVATIONS.names)[number];

const gemmSource = (...parts: string[]) => ACTIVATIONS.withSource('gemm', POISON_WGSL, nan, common, ...parts);

/** How a kernel reads its operands: f32 or f16, any shape or (vec4) rows a multiple of 4. */
type Io = 'scalar' | 'vec4' | 'f16' | 'f16-vec4';
const IO: Record<Io, { source: string; suffix: string }> = {
  scalar: { source: ioScalar, suffix: '' },
  vec4: { source: ioVec4, suffix: '-vec4' },
  f16: { source: ioF16, suffix: '-f16' },
  'f16-vec4': { source: ioF16Vec4, suffix: '-f16-vec4' },
};
/** The main function of each variant, and the WGSL extensions it enables. */
const MAINS = {
  naive: { source: naiveMain, enable: [] },
  tiled: { source: tiledMain, enable: [] },
  blocked: { source: blockedMain, enable: [] },
  subgroup: { source: subgroupMain, enable: ['subgroups'] },
} as const;
type Main = keyof typeof MAINS;

const kernels = new Map<string, Kernel>();
/** The kernel of one main function and one operand reading, made on first use. */
function gemmKernel(main: Main, io: Io): Kernel {
  const name = `gemm/${main}${IO[io].suffix}`;
  let k = kernels.get(name);
  if (!k) {
    const enable = [...MAINS[main].enable, ...(io.startsWith('f16') ? ['f16'] : [])].map((e) => `enable ${e};`);
    k = new Kernel({ name, source: [...enable, ...gemmSource(IO[io].source, MAINS[main].source)] });
    kernels.set(name, k);
  }
  return k;
}
const splitKSum = new Kernel({ name: 'gemm/split-k-sum', source: gemmSource(splitKSumMain) });

/**
 * naive: one thread per output (the oracle, and matrix-vector products). tiled: 16×16 threads,
 * 64×64 tiles of c staged through workgroup memory. small: the same tiled kernel with 4×4
 * threads and 16×16 tiles, for outputs that fill few 64×64 tiles. blocked: an 8×8 register
 * block of c per thread, no workgroup memory or barriers (CPU adapters). subgroup: rows of A
 * passed between lanes by subgroupShuffle, no workgroup memory or barriers (needs `subgroups`).
 * Any of them can also run split-K (`GemmChoice.splits`): K cut into slices summed by a second
 * pass; and any reads f16 operands (`GemmFlags.operands`).
 */
export type GemmVariant = 'naive' | 'tiled' | 'small' | 'blocked' | 'subgroup';
export const GEMM_VARIANTS: readonly GemmVariant[] = ['naive', 'tiled', 'small', 'blocked', 'subgroup'];

/** The adapter feature a variant needs, if any. */
const NEEDS: Partial<Record<GemmVariant, OptionalFeature>> = { subgroup: 'subgroups' };

/** Why `variant` cannot run on this device, or null when it can. */
export function gemmVariantUnsupported(gpu: Gpu, variant: GemmVariant): string | null {
  const feature = NEEDS[variant];
  return feature && !gpu.has(feature) ? `GEMM variant ${variant} needs the adapter feature '${feature}', which ${gpu.adapter.description || 'this adapter'} lacks` : null;
}

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
/** Threads per workgroup of the one-dimensional kernels (their WG overrides' defaults). */
const NAIVE_WG = 64;
const SUBGROUP_WG = 64;

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
  /** The device has the `subgroups` feature. */
  subgroups: boolean;
}

/**
 * A CPU adapter is told by `adapter.info`: Dawn sets `isFallbackAdapter` for adapters of type
 * CPU (lavapipe, SwiftShader), and lavapipe reports `architecture` 'software'. The vendor and
 * description strings are not read. `subgroups` comes from the device's features.
 */
export function gemmTarget(adapter: Pick<AdapterSummary, 'isFallbackAdapter' | 'architecture'>, features: ReadonlySet<string>): GemmTarget {
  return { software: adapter.isFallbackAdapter || adapter.architecture === 'software', subgroups: features.has('subgroups') };
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
  /** a and b hold IEEE binary16 (the adapter has shader-f16); products and sums are f32. Default f32. */
  operands?: 'f32' | 'f16';
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

/** The workgroup grid (x, y) of a variant's main pass over one matrix and one K slice. */
function mainGrid(variant: GemmVariant, s: GemmShape): [number, number] {
  switch (variant) {
    case 'naive': {
      const [x, y] = grid1d(s.m * s.n, NAIVE_WG);
      return [x, y];
    }
    case 'blocked':
      return [Math.ceil(s.n / (BLOCK * BLOCKED_WG)), Math.ceil(s.m / (BLOCK * BLOCKED_WG))];
    case 'subgroup':
      return [Math.ceil(s.n / (4 * SUBGROUP_WG)), Math.ceil(s.m / 8)];
    case 'tiled':
    case 'small':
      return [Math.ceil(s.n / (4 * TILES[variant].TX)), Math.ceil(s.m / (4 * TILES[variant].TY))];
  }
}

/** Workgroups the variant's main pass launches for this shape, before any split. */
function workgroups(variant: GemmVariant, s: GemmShape): number {
  const [x, y] = mainGrid(variant, s);
  return x * y * s.batch;
}

/**
 * Threads of work a split-K GEMM aims for: the number of workgroups below which the main pass
 * leaves the adapter idle. lavapipe runs one workgroup per CPU thread (one per core); a GPU
 * wants a few workgroups per compute unit (an H100 has 132). Measurements: see chooseGemm.
 */
const BUSY_WORKGROUPS = { software: 16, gpu: 256 };
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
 *
 * CPU adapters (gemmTarget): lavapipe, 2 cores, December 2026, best of 5 device-resident runs
 * (no readback) with the load average at 15-23 from other jobs, so only ratios of 1.5× or more
 * mean anything; M×N×K, ms:
 *   M×N×K (layout)      tiled   blocked   subgroup
 *   256³                   –    34–46     4–18
 *   512³                 406–444  205–368  124–159
 *   1024³               3308    1724–2578 1247–1672
 *   512³ (aᵀ, bᵀ)          508    314–431  247–299
 *   128×784×256 (bᵀ)       75      27        46     (N = 784: 23% of subgroup columns idle)
 *   64×288×8192 (aᵀ)      510     194       256     (a conv weight gradient: 44% idle)
 * Without barriers or workgroup memory both beat tiled 1.3–3.5×; subgroup wins where N fills
 * its 256-column blocks, blocked elsewhere. Split-K on lavapipe (ms by number of K slices):
 *   64×288×8192 (aᵀ), blocked    1: 343–348   2: 326–327   4: 427–528   16: 383
 *   64×1×32768 (aᵀ), naive       1: 18–20     8: 20        32: 5–10
 *   32×32×16384, blocked         1: 6.6–71    2: 5.3–5.6   4: 5.5–7.2   16: 5.2
 * It pays where the main pass launches fewer workgroups than there are CPU threads (a column
 * sum: one workgroup), and costs little elsewhere; hence 16 busy workgroups. On GPUs the
 * subgroup kernel and the split thresholds are not measured yet (no GPU in this session), so a
 * GPU keeps tiled/small, and BUSY_WORKGROUPS.gpu is two workgroups per compute unit of a big
 * card (an H100 has 132).
 */
export function chooseGemm(s: GemmShape, target: GemmTarget): GemmChoice {
  if (forced) return forced;
  const variant = chooseVariant(s, target);
  return { variant, splits: chooseSplits(variant, s, target) };
}

function chooseVariant(s: GemmShape, target: GemmTarget): GemmVariant {
  if (s.m * s.n < 16 * 16 || s.m === 1 || s.n === 1) return 'naive';
  if (target.software) {
    // The subgroup kernel's 4·SUBGROUP_WG-column blocks must be mostly full to pay.
    const side = 4 * SUBGROUP_WG;
    return target.subgroups && s.n / (Math.ceil(s.n / side) * side) >= 0.8 ? 'subgroup' : 'blocked';
  }
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

/** The kernel of the main pass and its shape-independent constants (workgroup and tile sizes). */
function mainKernel(variant: GemmVariant, s: GemmShape, flags: GemmFlags): { kernel: Kernel; constants: Record<string, number> } {
  // vec4 access needs every stored row (a's, b's and c's) to be a multiple of 4 long.
  const aCols = flags.transposeA ? s.m : s.k;
  const bCols = flags.transposeB ? s.k : s.n;
  const aligned = aCols % 4 === 0 && bCols % 4 === 0 && s.n % 4 === 0;
  if (flags.operands === 'f16') return mainFor(variant, aligned ? 'f16-vec4' : 'f16');
  // naive and subgroup read single elements, which io-vec4.wgsl (f32) does not offer.
  const vec4 = aligned && (variant === 'tiled' || variant === 'small' || variant === 'blocked');
  return mainFor(variant, vec4 ? 'vec4' : 'scalar');
}

function mainFor(variant: GemmVariant, io: Io): { kernel: Kernel; constants: Record<string, number> } {
  switch (variant) {
    case 'naive':
      return { kernel: gemmKernel('naive', io), constants: { WG: NAIVE_WG } };
    case 'blocked':
      return { kernel: gemmKernel('blocked', io), constants: { WX: BLOCKED_WG, WY: BLOCKED_WG } };
    case 'subgroup':
      return { kernel: gemmKernel('subgroup', io), constants: { WG: SUBGROUP_WG } };
    case 'tiled':
    case 'small':
      return { kernel: gemmKernel('tiled', io), constants: { ...TILES[variant] } };
  }
}

/**
 * Records one GEMM dispatch. `aBatch` / `bBatch` are element strides between matrices
 * (0 shares one matrix across the batch).
 */
export function dispatchGemm(ctx: LowerCtx, refs: GemmRefs, s: GemmShape, strides: { aBatch: number; bBatch: number }, flags: GemmFlags): void {
  if (!flags.through !== !refs.y) fail('dispatchGemm: pass the activation output y exactly when flags.through is set');
  const { variant, splits: wanted } = chooseGemm(s, gemmTarget(ctx.gpu.adapter, ctx.gpu.features));
  const unsupported = gemmVariantUnsupported(ctx.gpu, variant);
  if (unsupported) fail(`dispatchGemm: ${unsupported}; force another variant`);
  if (flags.operands === 'f16' && flags.through) fail('dispatchGemm: f16 operands cannot be read through an activation derivative');
  // Slices of a multiple of 16 k; rounding up may leave fewer slices than asked for.
  const kSlice = wanted > 1 ? Math.ceil(s.k / wanted / SLICE_ALIGN) * SLICE_ALIGN : s.k;
  const splits = wanted > 1 ? Math.ceil(s.k / kSlice) : 1;
  const split = splits > 1;
  // A split GEMM writes partial sums to scratch; the bias and activation wait for their total.
  const out = split ? ctx.scratch(s.batch * splits * s.m * s.n * 4) : refs.c;
  const epilogue = { HAS_BIAS: refs.bias ? 1 : 0, ACT: ACTIVATIONS.code[flags.activation] };
  const main = mainKernel(variant, s, flags);
  const constants = {
    ...main.constants,
    TRANS_A: flags.transposeA ? 1 : 0,
    TRANS_B: flags.transposeB ? 1 : 0,
    ...(split ? { HAS_BIAS: 0, ACT: ACTIVATIONS.code.none } : epilogue),
    // Left at their defaults when unused, so forward GEMMs keep their pipelines.
    ...(flags.through ? { GRAD_ACT: ACTIVATIONS.code[flags.through.activation], GRAD_ON_B: flags.through.operand === 'b' ? 1 : 0 } : {}),
  };
  // Unused bindings are still declared by the shader; a (read-only) stands in for them.
  // f16 operands are never read through an activation (checked above): io-f16.wgsl has no y.
  const bind = { a: refs.a, b: refs.b, bias: refs.bias ?? refs.a, c: out, ...(flags.operands === 'f16' ? {} : { y: refs.y ?? refs.a }) };
  const uniforms = { m: s.m, n: s.n, k: s.k, a_batch: strides.aBatch, b_batch: strides.bBatch, splits, k_slice: kSlice };
  const z = s.batch * splits;
  ctx.dispatch({ kernel: main.kernel, constants, bind, uniforms, workgroups: [...mainGrid(variant, s), z] });
  if (split) dispatchSplitKSum(ctx, { partial: out, c: refs.c, bias: refs.bias }, { batch: s.batch, m: s.m, n: s.n, splits }, flags.activation);
}

/**
 * Split-K's second pass (split-k-sum.wgsl): c[b] = act(Σ_s partial[b, s] + bias), the slices
 * added in order, from partial sums laid out [batch, splits, m, n]. A split GEMM's first pass
 * writes that layout; so do the convolution's weight- and bias-gradient passes
 * (src/kernels/conv/split-k.ts), which are one [m = 1, n = outputs] product.
 */
export function dispatchSplitKSum(
  ctx: LowerCtx,
  refs: { partial: BufferRef; c: BufferRef; bias?: BufferRef | undefined },
  s: { batch: number; m: number; n: number; splits: number },
  activation: Activation = 'none',
): void {
  const [x, y] = grid1d(s.m * s.n, NAIVE_WG);
  ctx.dispatch({
    kernel: splitKSum,
    constants: { HAS_BIAS: refs.bias ? 1 : 0, ACT: ACTIVATIONS.code[activation], WG: NAIVE_WG },
    // The pass reads only m, n and splits of the GEMM's uniforms; an unused bias binds partial.
    bind: { partial: refs.partial, bias: refs.bias ?? refs.partial, c: refs.c },
    uniforms: { m: s.m, n: s.n, k: 0, a_batch: 0, b_batch: 0, splits: s.splits, k_slice: 0 },
    workgroups: [x, y, s.batch],
  });
}
