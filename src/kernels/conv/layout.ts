// Channels-last <-> channels-first rearrangement (NHWC <-> NCHW): a batched transpose of
// [N, H*W, C] (shape/transpose, whose backward is the transpose back) between two views.
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fmt } from '../../tensor/shape.js';
import { reshape } from '../shape/reshape.js';
import { transpose } from '../shape/transpose.js';

function requireRank4(what: string, x: Tensor, layout: string): [number, number, number, number] {
  if (x.rank !== 4) fail(`${what}: expected a 4-D ${layout} tensor, got ${fmt(x.shape)}`);
  return x.shape as [number, number, number, number];
}

/** [N, H, W, C] -> [N, C, H, W]. */
export function nhwcToNchw(x: Tensor): Tensor {
  const [n, h, w, c] = requireRank4('nhwcToNchw', x, '[N, H, W, C]');
  return reshape(transpose(reshape(x, [n, h * w, c])), [n, c, h, w]);
}

/** [N, C, H, W] -> [N, H, W, C]. */
export function nchwToNhwc(x: Tensor): Tensor {
  const [n, c, h, w] = requireRank4('nchwToNhwc', x, '[N, C, H, W]');
  return reshape(transpose(reshape(x, [n, c, h * w])), [n, h, w, c]);
}
