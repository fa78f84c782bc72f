// conv2d, by one of two algorithms (convAlgorithm says which):
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
import { resolveWindow, windowGeometry, type Pair } from './window.js';

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
  const { n, outSize } = windowGeometry('conv2d', x.shape, win); // checks the window for both paths
  if (convAlgorithm() === 'direct') return conv2dDirect(x, w, bias, { win, image: x.shape, outChannels: o });
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
 * The algorithm every conv2d runs with: the forced one, else direct. im2col writes and rereads
 * N·OH·OW·C·kh·kw values (and transposes the output) around a GEMM; the direct kernels skip
 * both, and on lavapipe they won at every shape measured, from 1 to 512 channels. Lavapipe,
 * 3×3 kernels, padding 1, compiled plans, min of 3 runs alternating the two (ms; load average
 * 20-27 on 2 cores from other jobs, so read the ratios, not the times):
 *   x → O                   forward           forward + dx + dW + db
 *                           im2col  direct    im2col  direct
 *   [128,8,14,14] → 16        457      79        998     311
 *   [128,3,32,32] → 32       2593     539      26995    5841
 *   [128,32,16,16] → 64     14357    6092      13298    7030
 *   [32,64,16,16] → 128      3257     996       7204    2445
 *   [32,128,16,16] → 128     4650    1757      13431    6168
 *   [32,256,8,8] → 256       5763    1882      18924    7544
 *   [2,256,4,4] → 256         110      30        316      36
 *   [1,512,2,2] → 512         219      45        345     156
 * im2col stays selectable (forceConvAlgorithm) for re-measuring where GEMMs are faster than
 * the GEMM measured here (the tiled kernel, about 4 GFLOP/s on lavapipe) or on a GPU, whose
 * tiled GEMM shares tiles through workgroup memory and the direct kernels do not.
 */
export function convAlgorithm(): ConvAlgorithm {
  return forced ?? 'direct';
}
