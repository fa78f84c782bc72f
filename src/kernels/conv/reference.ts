// Float64 CPU references for the sliding-window kernels (im2col, col2im, conv2d and its
// gradients, pooling), written the plain way (loops over every window cell), for tests and
// CPU checks.
import type { Window } from './window.js';

export type Shape4 = readonly [number, number, number, number];

/** Output size per axis, floor mode. */
export function outSizeRef([, , h, w]: Shape4, win: Window): [number, number] {
  return [h, w].map((d, a) => Math.floor((d + 2 * win.padding[a]! - win.kernel[a]!) / win.stride[a]!) + 1) as [number, number];
}

/**
 * Calls `visit(plane, o, cells)` for every output position o = (oh, ow) of every plane
 * (n * C + c), where `cells` are the input positions of its window: the in-plane index
 * (y * W + x), or -1 for padding, in row-major kernel order.
 */
export function forEachWindow(shape: Shape4, win: Window, visit: (plane: number, o: number, cells: number[]) => void): void {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  for (let plane = 0; plane < n * c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const cells: number[] = [];
        for (let i = 0; i < win.kernel[0]; i++) {
          for (let j = 0; j < win.kernel[1]; j++) {
            const y = oy * win.stride[0] - win.padding[0] + i;
            const x = ox * win.stride[1] - win.padding[1] + j;
            cells.push(y >= 0 && y < h && x >= 0 && x < w ? y * w + x : -1);
          }
        }
        visit(plane, oy * ow + ox, cells);
      }
    }
  }
}

/** [N*OH*OW, C*kh*kw]: row (n, oh, ow), column (c, i, j). */
export function im2colRef(x: ArrayLike<number>, shape: Shape4, win: Window): Float64Array {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const kk = win.kernel[0] * win.kernel[1];
  const out = new Float64Array(n * oh * ow * c * kk);
  forEachWindow(shape, win, (plane, o, cells) => {
    const row = Math.floor(plane / c) * oh * ow + o;
    cells.forEach((cell, k) => {
      out[row * c * kk + (plane % c) * kk + k] = cell < 0 ? 0 : x[plane * h * w + cell]!;
    });
  });
  return out;
}

/** Scatter-adds every column entry back to its pixel (the adjoint of im2colRef). */
export function col2imRef(cols: ArrayLike<number>, shape: Shape4, win: Window): Float64Array {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const kk = win.kernel[0] * win.kernel[1];
  const out = new Float64Array(n * c * h * w);
  forEachWindow(shape, win, (plane, o, cells) => {
    const row = Math.floor(plane / c) * oh * ow + o;
    cells.forEach((cell, k) => {
      if (cell >= 0) out[plane * h * w + cell] += cols[row * c * kk + (plane % c) * kk + k]!;
    });
  });
  return out;
}

/** Direct convolution (cross-correlation, as PyTorch): out [N, O, OH, OW]. */
export function conv2dRef(
  x: ArrayLike<number>,
  shape: Shape4,
  weight: ArrayLike<number>,
  outChannels: number,
  bias: ArrayLike<number> | null,
  win: Window,
): Float64Array {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const kk = win.kernel[0] * win.kernel[1];
  const out = new Float64Array(n * outChannels * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let f = 0; f < outChannels; f++) {
      // Visit the windows of image b, channel by channel, accumulating into output channel f.
      forEachWindow([1, c, h, w], win, (ch, o, cells) => {
        let acc = ch === 0 ? (bias?.[f] ?? 0) : 0;
        cells.forEach((cell, k) => {
          if (cell >= 0) acc += x[(b * c + ch) * h * w + cell]! * weight[(f * c + ch) * kk + k]!;
        });
        out[(b * outChannels + f) * oh * ow + o] += acc;
      });
    }
  }
  return out;
}

/**
 * The gradients of conv2dRef given its output gradient g [N, O, OH, OW]: input [N, C, H, W],
 * weight [O, C, kh, kw] and bias [O], accumulated window by window.
 */
export function conv2dGradsRef(
  x: ArrayLike<number>,
  shape: Shape4,
  weight: ArrayLike<number>,
  outChannels: number,
  g: ArrayLike<number>,
  win: Window,
): { input: Float64Array; weight: Float64Array; bias: Float64Array } {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const kk = win.kernel[0] * win.kernel[1];
  const input = new Float64Array(n * c * h * w);
  const dw = new Float64Array(outChannels * c * kk);
  const bias = new Float64Array(outChannels);
  for (let b = 0; b < n; b++) {
    for (let f = 0; f < outChannels; f++) {
      for (let o = 0; o < oh * ow; o++) bias[f] += g[(b * outChannels + f) * oh * ow + o]!;
      forEachWindow([1, c, h, w], win, (ch, o, cells) => {
        const go = g[(b * outChannels + f) * oh * ow + o]!;
        cells.forEach((cell, k) => {
          if (cell < 0) return;
          input[(b * c + ch) * h * w + cell] += go * weight[(f * c + ch) * kk + k]!;
          dw[(f * c + ch) * kk + k] += go * x[(b * c + ch) * h * w + cell]!;
        });
      });
    }
  }
  return { input, weight: dw, bias };
}

/** Max pooling (padding never wins) or average pooling with count_include_pad = false. */
export function poolRef(kind: 'max' | 'avg', x: ArrayLike<number>, shape: Shape4, win: Window): Float64Array {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const out = new Float64Array(n * c * oh * ow);
  forEachWindow(shape, win, (plane, o, cells) => {
    const values = cells.filter((cell) => cell >= 0).map((cell) => x[plane * h * w + cell]!);
    out[plane * oh * ow + o] = kind === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
  });
  return out;
}

/** Max pooling's input gradient: each output's g goes to the first maximum of its window. */
export function maxPoolGradRef(x: ArrayLike<number>, shape: Shape4, win: Window, g: ArrayLike<number>): Float64Array {
  const [n, c, h, w] = shape;
  const [oh, ow] = outSizeRef(shape, win);
  const out = new Float64Array(n * c * h * w);
  forEachWindow(shape, win, (plane, o, cells) => {
    let best = -1;
    for (const cell of cells) if (cell >= 0 && (best < 0 || x[plane * h * w + cell]! > x[plane * h * w + best]!)) best = cell;
    out[plane * h * w + best] += g[plane * oh * ow + o]!;
  });
  return out;
}
