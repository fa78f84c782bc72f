// Row argmax and the count of rows whose argmax is the label (accuracy without reading
// logits back): shaders/loss/argmax.wgsl. Neither has a gradient.
import nan from '../../../shaders/common/nan.wgsl';
import source from '../../../shaders/loss/argmax.wgsl';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { checkLabels, checkLogits } from './labels.js';
import { lowerReduced } from './reduction.js';

const sources = [nan, source];
const argmaxKernel = new Kernel({ name: 'loss/argmax', source: sources, entry: 'argmax' });
const correctKernel = new Kernel({ name: 'loss/correct', source: sources, entry: 'correct' });
/** Read when first dispatched, not at import: kernels reflect on first use. */
const rowWg = () => argmaxKernel.defaultWorkgroupSize[0];

const argmaxOp: OpDef<null> = {
  name: 'argmax',
  infer: ([x]) => ({ shape: [checkLogits('argmax', x!)[0]], dtype: 'u32' }),
  lower(ctx, { inputs: [x] }) {
    const [rows, cols] = x!.shape as [number, number];
    ctx.dispatch({
      kernel: argmaxKernel,
      bind: { x: ctx.ref(x!), idx: ctx.out },
      uniforms: { rows, cols },
      workgroups: grid1d(rows, rowWg()),
    });
  },
};

const countCorrectOp: OpDef<null> = {
  name: 'countCorrect',
  infer([logits, labels]) {
    checkLabels('countCorrect', logits!, labels!);
    return { shape: [1], dtype: 'f32' };
  },
  lower(ctx, { inputs: [logits, labels] }) {
    const [rows, cols] = logits!.shape as [number, number];
    lowerReduced(ctx, 'sum', rows, (hits) =>
      ctx.dispatch({
        kernel: correctKernel,
        bind: { x: ctx.ref(logits!), labels: ctx.ref(labels!), hits },
        uniforms: { rows, cols },
        workgroups: grid1d(rows, rowWg()),
      }),
    );
  },
};

/** Index of each row's largest value, u32 [batch] (ties: the lowest index). */
export function argmax(x: Tensor): Tensor {
  return apply(argmaxOp, [x], null);
}

/** How many rows' argmax equals their u32 label, as f32 [1]; labels outside [0, classes) never count. */
export function countCorrect(logits: Tensor, labels: Tensor): Tensor {
  return apply(countCorrectOp, [logits, labels], null);
}
