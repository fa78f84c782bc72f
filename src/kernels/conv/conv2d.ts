// conv2d as im2col -> one GEMM (linear, bias fused in its epilogue) -> NHWC to NCHW. Its
// gradient needs no code of its own: the GEMM gives dW, dbias and d(cols), and col2im (the
// backward of im2col) folds d(cols) back onto the image.
import { fail } from '../../device/errors.js';
import { linear } from '../gemm/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fmt } from '../../tensor/shape.js';
import { reshape } from '../shape/reshape.js';
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
  const win = { kernel: [kh, kw] as const, stride: opts.stride ?? 1, padding: opts.padding ?? 0 };
  const { n, outSize } = windowGeometry('conv2d', x.shape, resolveWindow('conv2d', win, 1));
  const cols = im2col(x, win); // [N*OH*OW, C*kh*kw]
  const y = linear(cols, reshape(w, [o, wc * kh * kw]), bias); // [N*OH*OW, O]: channels last
  return nhwcToNchw(reshape(y, [n, outSize[0], outSize[1], o]));
}
