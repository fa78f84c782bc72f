// Softmax and log-softmax along one axis, forward and backward each in one kernel:
// shaders/loss/softmax.wgsl (with the shared row-lse.wgsl).
import rowLse from '../../../shaders/loss/row-lse.wgsl';
import source from '../../../shaders/loss/softmax.wgsl';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { axisOf, numel } from '../../tensor/shape.js';
import { requireDtype } from '../elementwise/checks.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';

const forward = new Kernel({ name: 'loss/softmax', source: [rowLse, source], entry: 'forward' });
const backward = new Kernel({ name: 'loss/softmax-grad', source: [rowLse, source], entry: 'backward' });
/** Read when first dispatched, not at import: kernels reflect on first use. */
const rowWg = () => forward.defaultWorkgroupSize[0];

type SoftmaxKind = 'logSoftmax' | 'softmax';

interface Attrs {
  kind: SoftmaxKind;
  axis: number;
}

/** The [outer, len, inner] view the kernels index, and its row count (outer · inner). */
function rowView(shape: readonly number[], axis: number) {
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  return { uniforms: { outer, len: shape[axis]!, inner }, rows: outer * inner };
}

const softmaxGradOp: OpDef<Attrs> = {
  name: 'softmaxGrad',
  infer: ([x]) => ({ shape: x!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [x, g], attrs }) {
    const { uniforms, rows } = rowView(x!.shape, attrs.axis);
    ctx.dispatch({
      kernel: backward,
      constants: { SOFTMAX: attrs.kind === 'softmax' ? 1 : 0 },
      bind: { x: ctx.ref(x!), g: ctx.ref(g!), dx: ctx.out },
      uniforms,
      workgroups: grid1d(rows, rowWg()),
    });
  },
};

const softmaxOp: OpDef<Attrs> = {
  name: 'softmax',
  infer([x], { kind }) {
    requireDtype(kind, x!, 'f32');
    return { shape: x!.shape, dtype: 'f32' };
  },
  lower(ctx, { inputs: [x], attrs }) {
    const { uniforms, rows } = rowView(x!.shape, attrs.axis);
    ctx.dispatch({
      kernel: forward,
      constants: { SOFTMAX: attrs.kind === 'softmax' ? 1 : 0 },
      bind: { x: ctx.ref(x!), out: ctx.out },
      uniforms,
      workgroups: grid1d(rows, rowWg()),
    });
  },
  // Recomputes the softmax from x, so the output need not stay alive for the backward pass.
  backward: (g, { inputs: [x], attrs }) => [apply(softmaxGradOp, [x!, g], attrs)],
};

function along(kind: SoftmaxKind) {
  return (x: Tensor, axis = -1) => apply(softmaxOp, [x], { kind, axis: axisOf(axis, x.rank, kind) });
}

/** x − log Σ exp(x) along `axis` (default the last), stable for any magnitude. */
export const logSoftmax = along('logSoftmax');
/** exp(x) / Σ exp(x) along `axis` (default the last), stable for any magnitude. */
export const softmax = along('softmax');
