// conv2d, by one of two algorithms (chooseConvAlgorithm says which):
// - direct: implicit-GEMM kernels (direct.ts) for the forward pass and all three gradients,
//   no im2col matrix;
// - im2col: im2col -> one GEMM (linear, bias fused in its epilogue) -> NHWC to NCHW. Its
//   gradient needs no code of its own: the GEMM gives dW, dbias and d(cols), and col2im (the
//   backward of im2col) folds d(cols) back onto the image.
import { fail } from '../../device/errors.js';
import { linear } from '../gemm/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fmt } from '../../tensor/shape.js';
import { reshape } from '../shape/reshape.js';
import { conv2dDirect } from './direct.js';
import { im2col } from './im2col.js';
import { nhwcToNchw } from './layout.js';
import { resolveWindow, windowGeometry, type Geometry, type Pair, type Window } from './window.js';

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding on each side. */
  padding?: Pair;
}

/**
 * Cross-correlation of x [N, C, H, W] with weights w [O, C, kh, kw] (PyTorch's layout), plus
 * bias [O]: out [N, O, OH, OW], OH = floor((H + 2 pad - kh) / stride) + 1.
 */
export function conv2d(x: Tensor, w: Tensor, bias?: Tensor, opts: Conv2dOptions = {}): Tensor {
  if (x.rank !== 4) fail(`conv2d: input must be 4-D [N, C, H, W], got ${fmt(x.shape)}; reshape it first`);
  if (w.rank !== 4) fail(`conv2d: weight must be 4-D [O, C, kh, kw], got ${fmt(w.shape)}`);
  const [o, wc, kh, kw] = w.shape as [number, number, number, number];
  if (wc !== x.shape[1]) {
    fail(`conv2d: weight ${fmt(w.shape)} expects ${wc} input channels but input ${fmt(x.shape)} has ${x.shape[1]}`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== o)) fail(`conv2d: bias must be [${o}] (one per output channel), got ${fmt(bias.shape)}`);
  const win = resolveWindow('conv2d', { kernel: [kh, kw], stride: opts.stride ?? 1, padding: opts.padding ?? 0 }, 1);
  const geo = windowGeometry('conv2d', x.shape, win);
  if (chooseConvAlgorithm(geo, o, win) === 'direct') return conv2dDirect(x, w, bias, { win, image: x.shape, outChannels: o });
  const { n, outSize } = geo;
  const cols = im2col(x, win); // [N*OH*OW, C*kh*kw]
  const y = linear(cols, reshape(w, [o, wc * kh * kw]), bias); // [N*OH*OW, O]: channels last
  return nhwcToNchw(reshape(y, [n, outSize[0], outSize[1], o]));
}

export type ConvAlgorithm = 'direct' | 'im2col';
export const CONV_ALGORITHMS: readonly ConvAlgorithm[] = ['direct', 'im2col'];

let forced: ConvAlgorithm | null = null;

/** Makes every conv2d use one algorithm (tests, benchmarks); null restores the choice below. */
export function forceConvAlgorithm(algorithm: ConvAlgorithm | null): void {
  if (algorithm !== null && !CONV_ALGORITHMS.includes(algorithm)) {
    fail(`forceConvAlgorithm: unknown algorithm '${algorithm}'; use one of ${CONV_ALGORITHMS.join(', ')} or null`);
  }
  forced = algorithm;
}

/**
 * The algorithm a convolution runs with (the forced one, if any). im2col writes and rereads
 * N·OH·OW·C·kh·kw values before its GEMM, whose multiply-adds number that times O; the direct
 * kernels skip the copy but feed 16 multiply-adds from 8 loads where the tiled GEMM feeds
 * many more. So the copy dominates, and direct wins, while O is small, and the GEMM wins once
 * O (and K = C·kh·kw) is large. Lavapipe, 3×3 kernels, padding 1, compiled steps (min of 4,
 * ms, measured while other jobs loaded the 2 cores: ratios only):
 *   x → O                  forward            forward + dW + db      + dx
 *                          im2col  direct     im2col  direct        im2col  direct
 *   [128,1,28,28] → 8        456     13         685    173            927    223
 *   [128,8,14,14] → 16       143     55         289    152            325    400
 *   [128,3,32,32] → 32      1890    338        3720   1749           5756   2026
 *   [128,32,16,16] → 64     2687   1905        7106   4342           9133   7975
 *   [32,128,16,16] → 128    4306  16600
 */
export function chooseConvAlgorithm(geo: Geometry, outChannels: number, win: Window): ConvAlgorithm {
  if (forced) return forced;
  const k = geo.c * win.kernel[0] * win.kernel[1];
  return outChannels <= 64 || k < 64 ? 'direct' : 'im2col';
}
