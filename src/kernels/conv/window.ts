// Sliding-window geometry shared by im2col/col2im and pooling (NCHW): option parsing, output
// sizes, the checks that turn bad windows into readable errors, and the uniform values of the
// WGSL `Geometry` struct in shaders/conv/window.wgsl.
import { fail } from '../../device/errors.js';
import type { UniformValue } from '../../device/uniforms.js';
import { fmt } from '../../tensor/shape.js';

/** One value for both spatial axes, or [height, width]. */
export type Pair = number | readonly [number, number];

export interface WindowOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
}

/** A resolved window: every value is a [height, width] pair. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
}

/** The spatial part of an NCHW problem: input and output sizes. */
export interface Geometry {
  n: number;
  c: number;
  size: [number, number];
  outSize: [number, number];
}

function pair(what: string, name: string, v: Pair, min: number): [number, number] {
  const p: readonly number[] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : [];
  if (p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < min)) {
    fail(`${what}: ${name} ${JSON.stringify(v)} must be an integer ≥ ${min} or a pair [h, w] of them`);
  }
  return [p[0]!, p[1]!];
}

/** Fills in defaults (stride `defaultStride`, or the kernel when null; padding 0) and checks ranges. */
export function resolveWindow(what: string, opts: WindowOptions, defaultStride: Pair | null): Window {
  if (!opts || opts.kernel === undefined) fail(`${what}: options need a kernel size, e.g. { kernel: 3 }`);
  const kernel = pair(what, 'kernel', opts.kernel, 1);
  return {
    kernel,
    stride: pair(what, 'stride', opts.stride ?? defaultStride ?? kernel, 1),
    padding: pair(what, 'padding', opts.padding ?? 0, 0),
  };
}

/** Checks a 4-D NCHW input and computes the output size (floor mode, as PyTorch's default). */
export function windowGeometry(what: string, shape: readonly number[], win: Window): Geometry {
  if (shape.length !== 4) fail(`${what}: input must be 4-D [N, C, H, W], got ${fmt(shape)}; reshape it first`);
  const [n, c, h, w] = shape as [number, number, number, number];
  const size: [number, number] = [h, w];
  const outSize = size.map((d, a) => {
    const padded = d + 2 * win.padding[a]!;
    if (win.kernel[a]! > padded) {
      fail(`${what}: kernel ${fmt(win.kernel)} is larger than the padded input ${fmt([h + 2 * win.padding[0], w + 2 * win.padding[1]])} of ${fmt(shape)}; use a smaller kernel or more padding`);
    }
    return Math.floor((padded - win.kernel[a]!) / win.stride[a]!) + 1;
  }) as [number, number];
  return { n, c, size, outSize };
}

/** Values of the WGSL `Geometry` uniform; `total` is the number of threads that do work. */
export function geometryUniforms(geo: Geometry, win: Window, total: number): Record<string, UniformValue> {
  return {
    total,
    channels: geo.c,
    size: geo.size,
    out_size: geo.outSize,
    kernel: win.kernel,
    stride: win.stride,
    pad: win.padding,
  };
}
