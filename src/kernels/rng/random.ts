// Random tensors filled on the GPU by Philox (shaders/rng/random.wgsl): raw bits, uniform and
// normal. No gradient. Inside compile() each run of the plan draws fresh values (the counter
// holds the step); eagerly every call takes a new stream, so repeated calls differ too.
import philox from '../../../shaders/rng/philox.wgsl';
import source from '../../../shaders/rng/random.wgsl';
import stream from '../../../shaders/rng/stream.wgsl';
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

const bitsKernel = new Kernel({ name: 'rng/bits', source: [philox, stream, source], entry: 'bits' });
const fillKernel = new Kernel({ name: 'rng/fill', source: [philox, stream, source], entry: 'fill' });

export interface RngOptions {
  /** The user's seed (u32). */
  seed: number;
  /**
   * Which stream of that seed to draw (u32). Leave it out: each op then takes a fresh one from
   * `runtime().rngStreams`. Give it to draw the same numbers again (tests, regenerated masks);
   * it may then coincide with an automatic stream, so pick numbers far above them (e.g. >= 2^31).
   */
  stream?: number;
}

/** The (seed, stream) key of a new random op, validated. */
export function rngKey(opts: RngOptions, what: string): { seed: number; stream: number } {
  const isU32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!isU32(opts.seed)) fail(`${what}: seed ${opts.seed} must be an integer in [0, 2^32)`);
  if (opts.stream !== undefined && !isU32(opts.stream)) fail(`${what}: stream ${opts.stream} must be an integer in [0, 2^32)`);
  return { seed: opts.seed, stream: opts.stream ?? runtime().rngStreams++ };
}

/** Threads for one quad (four elements, one Philox call) each. */
export function quadGrid(n: number): [number, number, number] {
  return grid1d(Math.ceil(n / 4), ELEMENTWISE_WG);
}

type Dist = 'bits' | 'uniform' | 'normal';

interface Attrs {
  shape: readonly number[];
  dist: Dist;
  seed: number;
  stream: number;
  scale: number;
  shift: number;
}

const randomOp: OpDef<Attrs> = {
  name: 'random',
  infer: (_, { shape, dist }) => ({ shape, dtype: dist === 'bits' ? 'u32' : 'f32' }),
  lower(ctx, { attrs }, out) {
    const bits = attrs.dist === 'bits';
    ctx.dispatch({
      kernel: bits ? bitsKernel : fillKernel,
      constants: bits ? {} : { NORMAL: attrs.dist === 'normal' ? 1 : 0 },
      bind: bits ? { bits_out: ctx.out } : { out: ctx.out },
      uniforms: { n: out.numel, seed: attrs.seed, stream: attrs.stream, scale: attrs.scale, shift: attrs.shift },
      workgroups: quadGrid(out.numel),
    });
  },
};

function random(what: string, shape: readonly number[], dist: Dist, opts: RngOptions, scale: number, shift: number): Tensor {
  if (!Number.isFinite(scale) || !Number.isFinite(shift)) fail(`${what}: parameters must be finite numbers`);
  return apply(randomOp, [], { shape, dist, ...rngKey(opts, what), scale, shift });
}

/** Raw Philox words (u32), for kernels and tests that need the bits themselves. */
export function randomBits(shape: readonly number[], opts: RngOptions): Tensor {
  return random('randomBits', shape, 'bits', opts, 1, 0);
}

/** Uniform values in [lo, hi) (f32). */
export function randomUniform(shape: readonly number[], opts: RngOptions & { lo?: number; hi?: number }): Tensor {
  const { lo = 0, hi = 1 } = opts;
  if (!(hi > lo)) fail(`randomUniform: hi (${hi}) must be greater than lo (${lo})`);
  return random('randomUniform', shape, 'uniform', opts, hi - lo, lo);
}

/** Normal values with the given mean and standard deviation (f32). */
export function randomNormal(shape: readonly number[], opts: RngOptions & { mean?: number; std?: number }): Tensor {
  const { mean = 0, std = 1 } = opts;
  if (!(std >= 0)) fail(`randomNormal: std (${std}) must be >= 0`);
  return random('randomNormal', shape, 'normal', opts, std, mean);
}
