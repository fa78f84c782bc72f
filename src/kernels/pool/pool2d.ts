// 2-D max and average pooling over NCHW f32 tensors: shaders/pool/pool.wgsl.
//
// Max pooling's backward recomputes each window's argmax instead of storing indices in the
// forward pass: an op has one output, so stored indices would need a second tensor kept alive
// from forward to backward for every pooling layer, while recomputing costs one extra read of
// the input, and only when gradients are taken. Windows that do not overlap (stride >= kernel)
// get it in the backward kernel itself, one dispatch; overlapping ones from an argmax pass into
// a scratch buffer first, so that no window's argmax is computed more than once. Forward and
// backward share one argmax function, so ties (first maximum in row-major window order) resolve
// the same way in both. Backward kernels run one thread per stride-sized cell of the input (see
// the shader's header).
import nan from '../../../shaders/common/nan.wgsl';
import poolSource from '../../../shaders/pool/pool.wgsl';
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { requireDtype } from '../elementwise/checks.js';
import { ELEMENTWISE_WG, grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { resolveWindow, windowGeometry, type Window, type WindowOptions } from '../conv/window.js';

const entry = (name: string) => new Kernel({ name: `pool/${name}`, source: [nan, poolSource], entry: name });
const kernels = {
  maxPool: entry('max_pool'),
  argmax: entry('max_pool_argmax'),
  maxPoolGrad: entry('max_pool_grad'),
  maxPoolGradOverlapping: entry('max_pool_grad_overlapping'),
  avgPool: entry('avg_pool'),
  avgPoolGrad: entry('avg_pool_grad'),
};

interface Attrs {
  win: Window;
  /** The input shape [N, C, H, W]. */
  image: readonly number[];
}

function pooledShape(what: string, x: Tensor, win: Window): number[] {
  requireDtype(what, x, 'f32');
  const g = windowGeometry(what, x.shape, win);
  return [g.n, g.c, g.outSize[0], g.outSize[1]];
}

/**
 * Uniforms and grid for one thread per output (`perOutput`) or per input cell. Cell c of an
 * axis starts at c * stride - pad; ceil((size + pad) / stride) of them reach past the input's end.
 */
function launch(what: string, { win, image }: Attrs, perOutput: boolean) {
  const geo = windowGeometry(what, image, win);
  const sites = perOutput ? geo.outSize : geo.size.map((d, a) => Math.ceil((d + win.padding[a]!) / win.stride[a]!));
  const total = geo.n * geo.c * sites[0]! * sites[1]!;
  const uniforms = {
    total,
    size: geo.size,
    out_size: geo.outSize,
    sites,
    kernel: win.kernel,
    stride: win.stride,
    pad: win.padding,
    reach: win.kernel.map((k, a) => Math.floor((k - 1) / win.stride[a]!)),
  };
  return { uniforms, workgroups: grid1d(total, ELEMENTWISE_WG), total };
}

/** The gradient of an input [N, C, H, W] from the pooled output's gradient `g`. */
function gradInfer(what: string, g: Tensor, attrs: Attrs) {
  const pooled = windowGeometry(what, attrs.image, attrs.win);
  const expected = [pooled.n, pooled.c, ...pooled.outSize];
  if (!sameShape(g.shape, expected)) fail(`${what}: gradient ${fmt(g.shape)} should be ${fmt(expected)}`);
  return { shape: attrs.image, dtype: 'f32' as const };
}

const maxPoolGradOp: OpDef<Attrs> = {
  name: 'maxPool2dGrad',
  infer([, g], attrs) {
    return gradInfer('maxPool2dGrad', g!, attrs);
  },
  lower(ctx, { inputs: [x, g], attrs }) {
    const perCell = launch('maxPool2dGrad', attrs, false);
    const { kernel, stride } = attrs.win;
    if (kernel.every((k, a) => k <= stride[a]!)) {
      ctx.dispatch({ kernel: kernels.maxPoolGrad, bind: { x: ctx.ref(x!), g: ctx.ref(g!), out: ctx.out }, uniforms: perCell.uniforms, workgroups: perCell.workgroups });
      return;
    }
    const perOutput = launch('maxPool2dGrad', attrs, true);
    const idx = ctx.scratch(perOutput.total * 4);
    ctx.dispatch({ kernel: kernels.argmax, bind: { x: ctx.ref(x!), idx }, uniforms: perOutput.uniforms, workgroups: perOutput.workgroups });
    ctx.dispatch({
      kernel: kernels.maxPoolGradOverlapping,
      bind: { idx, g: ctx.ref(g!), out: ctx.out },
      uniforms: perCell.uniforms,
      workgroups: perCell.workgroups,
    });
  },
};

const maxPoolOp: OpDef<Attrs> = {
  name: 'maxPool2d',
  infer: ([x], { win }) => ({ shape: pooledShape('maxPool2d', x!, win), dtype: 'f32' }),
  lower(ctx, { inputs: [x], attrs }) {
    const { uniforms, workgroups } = launch('maxPool2d', attrs, true);
    ctx.dispatch({ kernel: kernels.maxPool, bind: { x: ctx.ref(x!), out: ctx.out }, uniforms, workgroups });
  },
  backward(g, { inputs: [x], attrs }) {
    return [apply(maxPoolGradOp, [x!, g], attrs)];
  },
};

const avgPoolGradOp: OpDef<Attrs> = {
  name: 'avgPool2dGrad',
  infer: ([g], attrs) => gradInfer('avgPool2dGrad', g!, attrs),
  lower(ctx, { inputs: [g], attrs }) {
    const { uniforms, workgroups } = launch('avgPool2dGrad', attrs, false);
    ctx.dispatch({ kernel: kernels.avgPoolGrad, bind: { g: ctx.ref(g!), out: ctx.out }, uniforms, workgroups });
  },
};

const avgPoolOp: OpDef<Attrs> = {
  name: 'avgPool2d',
  infer: ([x], { win }) => ({ shape: pooledShape('avgPool2d', x!, win), dtype: 'f32' }),
  lower(ctx, { inputs: [x], attrs }) {
    const { uniforms, workgroups } = launch('avgPool2d', attrs, true);
    ctx.dispatch({ kernel: kernels.avgPool, bind: { x: ctx.ref(x!), out: ctx.out }, uniforms, workgroups });
  },
  backward(g, { attrs }) {
    return [apply(avgPoolGradOp, [g], attrs)];
  },
};

/** Stride defaults to the kernel (as in PyTorch); padding to 0 and at most half the kernel. */
function poolAttrs(what: string, x: Tensor, opts: WindowOptions): Attrs {
  const win = resolveWindow(what, opts, null);
  win.padding.forEach((pad, a) => {
    if (2 * pad > win.kernel[a]!) {
      fail(`${what}: padding ${fmt(win.padding)} must be at most half the kernel ${fmt(win.kernel)}, so that every window holds a real pixel`);
    }
  });
  return { win, image: x.shape };
}

/** Max over each window of x [N, C, H, W]; padding never wins. The gradient goes to the first maximum. */
export function maxPool2d(x: Tensor, opts: WindowOptions): Tensor {
  return apply(maxPoolOp, [x], poolAttrs('maxPool2d', x, opts));
}

/**
 * Mean over each window of x [N, C, H, W], with count_include_pad = false: a window that
 * overlaps the padding divides by the number of real pixels it holds, not by kh*kw.
 */
export function avgPool2d(x: Tensor, opts: WindowOptions): Tensor {
  return apply(avgPoolOp, [x], poolAttrs('avgPool2d', x, opts));
}
