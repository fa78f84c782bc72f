// im2col (patches of an NCHW image as GEMM rows) and its adjoint col2im: shaders/conv/im2col.wgsl.
// Each is the other's backward.
import source from '../../../shaders/conv/im2col.wgsl';
import windowLib from '../../../shaders/conv/window.wgsl';
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { requireDtype } from '../elementwise/checks.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { geometryUniforms, resolveWindow, windowGeometry, type Window, type WindowOptions } from './window.js';

const im2colKernel = new Kernel({ name: 'conv/im2col', source: [windowLib, source], entry: 'im2col' });
const col2imKernel = new Kernel({ name: 'conv/col2im', source: [windowLib, source], entry: 'col2im' });

interface Attrs {
  win: Window;
  /** The image shape [N, C, H, W]. */
  image: readonly number[];
}

function colsShape(what: string, image: readonly number[], win: Window): [number, number] {
  const g = windowGeometry(what, image, win);
  return [g.n * g.outSize[0] * g.outSize[1], g.c * win.kernel[0] * win.kernel[1]];
}

const im2colOp: OpDef<Attrs> = {
  name: 'im2col',
  infer([x], { win }) {
    requireDtype('im2col', x!, 'f32');
    return { shape: colsShape('im2col', x!.shape, win), dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs: { win, image } }) {
    const geo = windowGeometry('im2col', image, win);
    const total = geo.n * geo.outSize[0] * geo.outSize[1] * geo.c * win.kernel[0];
    ctx.dispatch({
      kernel: im2colKernel,
      bind: { src: ctx.ref(x!), dst: ctx.out },
      uniforms: geometryUniforms(geo, win, total),
      workgroups: grid1d(total, ELEMENTWISE_WG),
    });
  },
  backward(g, { attrs }) {
    return [apply(col2imOp, [g], attrs)];
  },
};

const col2imOp: OpDef<Attrs> = {
  name: 'col2im',
  infer([cols], { win, image }) {
    requireDtype('col2im', cols!, 'f32');
    const expected = colsShape('col2im', image, win);
    if (!sameShape(cols!.shape, expected)) {
      fail(`col2im: columns ${fmt(cols!.shape)} do not match image ${fmt(image)} with kernel ${fmt(win.kernel)}, stride ${fmt(win.stride)}, padding ${fmt(win.padding)}; expected ${fmt(expected)}`);
    }
    return { shape: image, dtype: 'f32' };
  },
  lower(ctx, { inputs: [cols], attrs: { win, image } }, out) {
    ctx.dispatch({
      kernel: col2imKernel,
      bind: { src: ctx.ref(cols!), dst: ctx.out },
      uniforms: geometryUniforms(windowGeometry('col2im', image, win), win, out.numel),
      workgroups: grid1d(out.numel, ELEMENTWISE_WG),
    });
  },
  backward(g, { attrs }) {
    return [apply(im2colOp, [g], attrs)];
  },
};

/**
 * Patches of `x` [N, C, H, W] as rows: [N*OH*OW, C*kh*kw], row (n, oh, ow), column (c, i, j).
 * Stride defaults to 1, padding (zeros) to 0.
 */
export function im2col(x: Tensor, opts: WindowOptions): Tensor {
  return apply(im2colOp, [x], { win: resolveWindow('im2col', opts, 1), image: x.shape });
}

/** The adjoint of im2col: sums each column entry back into the pixel it came from. */
export function col2im(cols: Tensor, image: readonly number[], opts: WindowOptions): Tensor {
  return apply(col2imOp, [cols], { win: resolveWindow('col2im', opts, 1), image: [...image] });
}
