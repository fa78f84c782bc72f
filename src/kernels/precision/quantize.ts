// Rounding f32 tensors onto a small format's grid and packing them into its codes
// (shaders/precision/quantize.wgsl, with grid.wgsl; stochastic rounding draws from Philox).
// FP16 (1,6,9) values live in the engine as f32 tensors on the grid (roundTo); packed codes
// exist for storage: FP8 (1,5,2) as 'fp8e5m2' tensors, binary16 as 'f16' tensors, any other
// 8/16-bit format as u32 words (logical shape given back to decode()).
import philox from '../../../shaders/rng/philox.wgsl';
import grid from '../../../shaders/precision/grid.wgsl';
import tally from '../../../shaders/precision/tally.wgsl';
import source from '../../../shaders/precision/quantize.wgsl';
import { fail } from '../../device/errors.js';
import { codesPerWord } from '../../precision/codec.js';
import { gridConstants, type FloatFormat } from '../../precision/format.js';
import { ROUNDING, type RoundingMode } from '../../precision/round.js';
import type { DType } from '../../tensor/dtype.js';
import { fmt, numel } from '../../tensor/shape.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { quadGrid, rngKey } from '../rng/random.js';

const sources = ROUNDING.withSource('precision/quantize', philox, grid, tally, source);
const kernels = {
  round: new Kernel({ name: 'precision/round', source: sources, entry: 'to_grid' }),
  encode: new Kernel({ name: 'precision/encode', source: sources, entry: 'encode' }),
  encodeCounted: new Kernel({ name: 'precision/encode-counted', source: sources, entry: 'encode_counted' }),
  decode: new Kernel({ name: 'precision/decode', source: sources, entry: 'decode' }),
};

export interface RoundOptions {
  /** 'rne' (default), 'trunc', or 'sr' (stochastic; needs `seed`). */
  mode?: RoundingMode;
  /** Philox seed for 'sr'; each op takes a fresh stream unless `stream` is given. */
  seed?: number;
  stream?: number;
}

interface Attrs {
  format: FloatFormat;
  mode: RoundingMode;
  seed: number;
  stream: number;
  /** Logical shape (decode only). */
  shape: readonly number[];
}

/** Override constants that select the format and mode in quantize.wgsl. */
export function formatConstants(format: FloatFormat): Record<string, number> {
  const c = gridConstants(format);
  return { FMT_E: c.expBits, FMT_M: c.man, FMT_EMIN: c.emin, FMT_MAX: c.maxBits };
}

function roundAttrs(format: FloatFormat, opts: RoundOptions, what: string): Attrs {
  const mode = opts.mode ?? 'rne';
  if (!ROUNDING.has(mode)) fail(`${what}: rounding mode '${String(mode)}' is not one of ${ROUNDING.names.join(', ')}`);
  if (mode !== 'sr') return { format, mode, seed: 0, stream: 0, shape: [] };
  if (opts.seed === undefined) fail(`${what}: stochastic rounding needs a seed ({ mode: 'sr', seed })`);
  return { format, mode, ...rngKey({ seed: opts.seed, stream: opts.stream }, what), shape: [] };
}

/** The dtype and shape packed codes of `shape` take (see the file comment). */
export function packedLayout(format: FloatFormat, shape: readonly number[]): { dtype: DType; shape: readonly number[] } {
  const per = codesPerWord(format);
  const is = (e: number, m: number) => format.expBits === e && format.manBits === m && !format.topBinadeUsable;
  if (is(5, 2)) return { dtype: 'fp8e5m2', shape };
  if (is(5, 10)) return { dtype: 'f16', shape };
  return { dtype: 'u32', shape: [Math.max(1, Math.ceil(numel(shape) / per))] };
}

function rngUniforms(attrs: Attrs, n: number) {
  return { n, seed: attrs.seed, stream: attrs.stream };
}

const roundOp: OpDef<Attrs> = {
  name: 'roundTo',
  infer([x], { format }) {
    requireDtype(`roundTo(${format.name})`, x!, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.round,
      constants: { ...formatConstants(attrs.format), MODE: ROUNDING.code[attrs.mode] },
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: rngUniforms(attrs, out.numel),
      workgroups: quadGrid(out.numel),
    });
  },
  // Straight-through: rounding is treated as the identity for gradients.
  backward: (g) => [g],
};

/** x rounded onto the grid of `format` (an f32 tensor whose values are all on the grid). */
export function roundTo(x: Tensor, format: FloatFormat, opts: RoundOptions = {}): Tensor {
  return apply(roundOp, [x], roundAttrs(format, opts, `roundTo(${format.name})`));
}

const encodeOp: OpDef<Attrs> = {
  name: 'encode',
  infer([x, counter], { format }) {
    requireDtype(`encode(${format.name})`, x!, 'f32');
    if (counter && (counter.dtype !== 'u32' || counter.numel < 2)) {
      fail(`encode(${format.name}): the counter ${counter} must be a u32 tensor of at least 2 elements (underflows, nonzero inputs)`);
    }
    return packedLayout(format, x!.shape);
  },
  lower(ctx, { inputs: [x, counter], attrs }) {
    ctx.dispatch({
      kernel: counter ? kernels.encodeCounted : kernels.encode,
      constants: { ...formatConstants(attrs.format), MODE: ROUNDING.code[attrs.mode] },
      bind: { x: ctx.ref(x!), out: ctx.out, ...(counter ? { counts: ctx.ref(counter) } : {}) },
      uniforms: rngUniforms(attrs, x!.numel),
      workgroups: quadGrid(x!.numel),
    });
  },
  // Straight-through when the codes keep the logical shape (fp8e5m2, f16).
  backward: (g, { inputs: [x] }) => [g.numel === x!.numel ? g : null, null],
};

export interface EncodeOptions extends RoundOptions {
  /**
   * A u32 tensor of 2 counts the kernel adds to: inputs that were nonzero and became zero
   * (underflow), and nonzero inputs. Zero it yourself when you want a fresh count.
   */
  counter?: Tensor;
}

/** x rounded and packed into the codes of `format` (FP8: an 'fp8e5m2' tensor of x's shape). */
export function encode(x: Tensor, format: FloatFormat, opts: EncodeOptions = {}): Tensor {
  const attrs = roundAttrs(format, opts, `encode(${format.name})`);
  return apply(encodeOp, opts.counter ? [x, opts.counter] : [x], attrs);
}

const decodeOp: OpDef<Attrs> = {
  name: 'decode',
  infer([codes], { format, shape }) {
    const layout = packedLayout(format, shape);
    if (codes!.dtype !== layout.dtype || codes!.numel !== numel(layout.shape)) {
      fail(`decode(${format.name}): ${codes} does not hold the codes of shape ${fmt(shape)}; expected ${layout.dtype}${fmt(layout.shape)} from encode()`);
    }
    return { shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [codes], attrs }, out) {
    ctx.dispatch({
      kernel: kernels.decode,
      constants: formatConstants(attrs.format),
      bind: { x: ctx.ref(codes!), out: ctx.out },
      uniforms: { n: out.numel, seed: 0, stream: 0 },
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
};

/** The f32 values of packed codes; `shape` is needed only for u32-word codes. */
export function decode(codes: Tensor, format: FloatFormat, shape: readonly number[] = codes.shape): Tensor {
  return apply(decodeOp, [codes], { format, mode: 'rne', seed: 0, stream: 0, shape });
}
