// Low-precision matmul of Wang et al. 2018 (shaders/gemm/fp8-chunked.wgsl): FP8 operands,
// products exact in FP16 (1,6,9), chunked FP16 accumulation. One op serves the three training
// GEMMs: its gradient is two more of it with the transposes that forward, backward-data and
// weight-gradient need, fed the output gradient converted to FP8 (RNE) or to the accumulation
// grid, as the layer's precision policy says.
import philox from '../../../shaders/rng/philox.wgsl';
import grid from '../../../shaders/precision/grid.wgsl';
import source from '../../../shaders/gemm/fp8-chunked.wgsl';
import { fail } from '../../device/errors.js';
import { PAPER_ACCUMULATION, checkAccumulation, type Accumulation } from '../../precision/accumulate.js';
import { FP8_E5M2, gridConstants, type FloatFormat } from '../../precision/format.js';
import { ROUNDING } from '../../precision/round.js';
import { fmt } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { Kernel } from '../../device/kernel.js';
import { rngKey } from '../rng/random.js';
import { encode } from './quantize.js';

const kernel = new Kernel({ name: 'gemm/fp8-chunked', source: ROUNDING.withSource('gemm/fp8-chunked', philox, grid, source) });

/** 16×16 threads (64×64 outputs) for big outputs, 4×4 threads for small ones (as gemm/kernels.ts). */
const TILES = { tiled: { TX: 16, TY: 16, TK: 16 }, small: { TX: 4, TY: 4, TK: 16 } } as const;

/** The tile of an [m, n] output for the emulated GEMMs (fp8-chunked, block-scaled): big tiles only when most of them are full. */
export function gemmTile(m: number, n: number): { TX: number; TY: number; TK: number } {
  const big = 4 * TILES.tiled.TX;
  const bigTiles = Math.ceil(m / big) * Math.ceil(n / big);
  return bigTiles >= 4 && (m * n) / (bigTiles * big * big) >= 0.5 ? TILES.tiled : TILES.small;
}

export interface LowpMatmulOptions {
  /** Use aᵀ: a is stored [K, M]. */
  transposeA?: boolean;
  /** Use bᵀ: b is stored [N, K]. */
  transposeB?: boolean;
  /** Accumulation grid, chunk length and rounding; the paper's FP16 (1,6,9), CL 64, RNE by default. */
  accumulation?: Accumulation;
  /** Philox seed (and optional stream) for stochastic accumulation. */
  seed?: number;
  stream?: number;
  /**
   * What the backward GEMMs multiply: the output gradient rounded to FP8 (RNE, the paper's
   * middle layers) or onto the accumulation grid ('accumulation': first and last layers).
   */
  gradient?: 'fp8' | 'accumulation';
  /** u32 [2] counter of FP8 gradient underflows (see encode()); only with gradient 'fp8'. */
  underflowCounter?: Tensor;
}

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  accumulation: Accumulation;
  seed: number;
  stream: number;
  gradient: 'fp8' | 'accumulation';
  underflowCounter: Tensor | null;
}

function operandFormat(t: Tensor, acc: Accumulation): FloatFormat {
  return t.dtype === 'fp8e5m2' ? FP8_E5M2 : acc.format;
}

/**
 * Whether every product of an fa value and an fb value is a value of acc: enough significand
 * bits, the product of the two subnormal quanta a multiple of acc's quantum, no overflow.
 */
export function exactProducts(fa: FloatFormat, fb: FloatFormat, acc: FloatFormat): boolean {
  return (
    fa.manBits + fb.manBits + 2 <= acc.manBits + 1 &&
    fa.minSubnormal * fb.minSubnormal >= acc.minSubnormal &&
    fa.maxFinite * fb.maxFinite <= acc.maxFinite
  );
}

function shapeOf(a: Tensor, b: Tensor, attrs: Attrs): { m: number; n: number; k: number } {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.dtype !== 'fp8e5m2' && t.dtype !== 'f32') {
      fail(`lowpMatmul: ${name} ${t} has dtype ${t.dtype}; pass FP8 codes (encode(x, FP8_E5M2)) or f32 values`);
    }
    if (t.rank !== 2) fail(`lowpMatmul: ${name} ${fmt(t.shape)} must be 2-D [rows, cols]`);
  }
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const [m, ka] = attrs.transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = attrs.transposeB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    fail(`lowpMatmul: inner dimensions differ: a${attrs.transposeA ? 'ᵀ' : ''} ${fmt(a.shape)} has K=${ka} but b${attrs.transposeB ? 'ᵀ' : ''} ${fmt(b.shape)} has K=${kb}`);
  }
  return { m, n, k: ka };
}

const lowpMatmulOp: OpDef<Attrs> = {
  name: 'lowpMatmul',
  infer([a, b], attrs) {
    const { m, n } = shapeOf(a!, b!, attrs);
    return { shape: [m, n], dtype: 'f32' };
  },
  lower(ctx, { inputs: [a, b], attrs }) {
    const { m, n, k } = shapeOf(a!, b!, attrs);
    const acc = attrs.accumulation;
    const g = gridConstants(acc.format);
    const tile = gemmTile(m, n);
    ctx.dispatch({
      kernel,
      constants: {
        ROUND_PRODUCT: exactProducts(operandFormat(a!, acc), operandFormat(b!, acc), acc.format) ? 0 : 1,
        ACC_E: g.expBits,
        ACC_M: g.man,
        ACC_EMIN: g.emin,
        ACC_MAX: g.maxBits,
        ACC_MODE: ROUNDING.code[acc.mode],
        ...tile,
      },
      bind: { a: ctx.ref(a!), b: ctx.ref(b!), c: ctx.out },
      uniforms: {
        m,
        n,
        k,
        chunk: Math.min(acc.chunk, k),
        trans_a: attrs.transposeA ? 1 : 0,
        trans_b: attrs.transposeB ? 1 : 0,
        a_fp8: a!.dtype === 'fp8e5m2' ? 1 : 0,
        b_fp8: b!.dtype === 'fp8e5m2' ? 1 : 0,
        seed: attrs.seed,
        stream: attrs.stream,
      },
      workgroups: [Math.ceil(n / (4 * tile.TX)), Math.ceil(m / (4 * tile.TY)), 1],
    });
  },
  backward(g, { inputs: [a, b], attrs }) {
    const { transposeA: tA, transposeB: tB } = attrs;
    const gq = attrs.gradient === 'fp8' ? encode(g, FP8_E5M2, attrs.underflowCounter ? { counter: attrs.underflowCounter } : {}) : g;
    const again = (x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean) =>
      apply(lowpMatmulOp, [x, y], { ...attrs, transposeA, transposeB, ...freshStream(attrs) });
    // c = op(a) op(b): d op(a) = g op(b)ᵀ and d op(b) = op(a)ᵀ g, written in a's and b's stored layouts.
    const da = a!.requiresGrad ? (tA ? again(b!, gq, tB, true) : again(gq, b!, false, !tB)) : null;
    const db = b!.requiresGrad ? (tB ? again(gq, a!, true, tA) : again(a!, gq, !tA, false)) : null;
    return [da, db];
  },
};

/** Backward GEMMs draw their own stochastic-accumulation streams. */
function freshStream(attrs: Attrs): { stream: number } {
  return attrs.accumulation.mode === 'sr' ? { stream: rngKey({ seed: attrs.seed }, 'lowpMatmul').stream } : { stream: attrs.stream };
}

/**
 * op(a) · op(b) [M, N] with FP8 or f32 operands and chunked low-precision accumulation; the
 * result is an f32 tensor on the accumulation grid.
 */
export function lowpMatmul(a: Tensor, b: Tensor, opts: LowpMatmulOptions = {}): Tensor {
  const accumulation = opts.accumulation ?? PAPER_ACCUMULATION;
  checkAccumulation(accumulation, 'lowpMatmul');
  const gradient = opts.gradient ?? 'fp8';
  if (opts.underflowCounter && gradient !== 'fp8') fail('lowpMatmul: underflowCounter counts FP8 gradient underflows; it needs gradient: \'fp8\'');
  let key = { seed: 0, stream: 0 };
  if (accumulation.mode === 'sr') {
    if (opts.seed === undefined) fail('lowpMatmul: stochastic accumulation needs a seed ({ seed })');
    key = rngKey({ seed: opts.seed, stream: opts.stream }, 'lowpMatmul');
  }
  return apply(lowpMatmulOp, [a, b], {
    transposeA: opts.transposeA ?? false,
    transposeB: opts.transposeB ?? false,
    accumulation,
    ...key,
    gradient,
    underflowCounter: opts.underflowCounter ?? null,
  });
}
