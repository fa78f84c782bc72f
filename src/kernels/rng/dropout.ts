// Inverted dropout (shaders/rng/dropout.wgsl). Nothing is stored for the backward pass: the
// gradient goes through the same op with the same key, so the same elements are dropped.
import philox from '../../../shaders/rng/philox.wgsl';
import source from '../../../shaders/rng/dropout.wgsl';
import stream from '../../../shaders/rng/stream.wgsl';
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';
import { Kernel } from '../../device/kernel.js';
import { quadGrid, rngKey, type RngOptions } from './random.js';

const kernel = new Kernel({ name: 'rng/dropout', source: [philox, stream, source] });

interface Attrs {
  p: number;
  seed: number;
  stream: number;
}

const dropoutOp: OpDef<Attrs> = {
  name: 'dropout',
  infer([x]) {
    requireDtype('dropout', x!, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }, out) {
    ctx.dispatch({
      kernel,
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms: { n: out.numel, seed: attrs.seed, stream: attrs.stream, rate: attrs.p, scale: 1 / (1 - attrs.p) },
      workgroups: quadGrid(out.numel),
    });
  },
  backward(g, { attrs }) {
    return [apply(dropoutOp, [g], attrs)];
  },
};

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1−p), so the expected
 * value is unchanged. `p = 0` returns `x` itself. Call it only in training.
 */
export function dropout(x: Tensor, p: number, opts: RngOptions): Tensor {
  if (!(p >= 0 && p < 1)) fail(`dropout: p = ${p} must be in [0, 1) (the probability of dropping an element)`);
  if (p === 0) return x;
  return apply(dropoutOp, [x], { p, ...rngKey(opts, 'dropout') });
}
