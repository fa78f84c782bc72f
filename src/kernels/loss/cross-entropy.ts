// Fused softmax + cross-entropy over logits [batch, classes] and u32 labels [batch]:
// shaders/loss/cross-entropy.wgsl (with the shared row-lse.wgsl and workgroup-sum.wgsl).
import nan from '../../../shaders/common/nan.wgsl';
import workgroupSum from '../../../shaders/linalg/workgroup-sum.wgsl';
import rowLse from '../../../shaders/loss/row-lse.wgsl';
import source from '../../../shaders/loss/cross-entropy.wgsl';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { grid1d } from '../../device/grid.js';
import { Kernel } from '../../device/kernel.js';
import { checkLabels } from './labels.js';
import { checkReduction, gradTerms, lowerReduced, reducedShape, type Reduction } from './reduction.js';
import { FAULTS_WGSL } from '../../graph/faults.js';

const sources = [rowLse, workgroupSum, nan, FAULTS_WGSL, source];
const forward = new Kernel({ name: 'loss/cross-entropy', source: sources, entry: 'forward' });
const forwardTotal = new Kernel({ name: 'loss/cross-entropy-total', source: sources, entry: 'forward_total' });
const backward = new Kernel({ name: 'loss/cross-entropy-grad', source: sources, entry: 'backward' });
/** Read when first dispatched, not at import: kernels reflect on first use. */
const rowWg = () => forward.defaultWorkgroupSize[0];
/**
 * Rows up to this long may be totalled in one workgroup (reduction.ts): a thread's few rows
 * then cost less than a second dispatch. Longer rows (vocabularies) keep one row per thread.
 */
const TOTAL_MAX_CLASSES = 1024;

interface Attrs {
  reduction: Reduction;
}

/** d loss / d logits in one kernel from logits, labels and the loss's gradient g. */
const crossEntropyGradOp: OpDef<Attrs> = {
  name: 'softmaxCrossEntropyGrad',
  infer: ([logits]) => ({ shape: logits!.shape, dtype: 'f32' }),
  lower(ctx, { inputs: [logits, labels, g], attrs }) {
    const [rows, cols] = logits!.shape as [number, number];
    ctx.dispatch({
      kernel: backward,
      bind: { x: ctx.ref(logits!), labels: ctx.ref(labels!), g: ctx.ref(g!), dx: ctx.out },
      uniforms: { rows, cols, ...gradTerms(attrs.reduction, rows) },
      workgroups: grid1d(rows, rowWg()),
    });
  },
};

const crossEntropyOp: OpDef<Attrs> = {
  name: 'softmaxCrossEntropy',
  infer([logits, labels], { reduction }) {
    checkLabels('softmaxCrossEntropy', logits!, labels!);
    return { shape: reducedShape(reduction, [logits!.shape[0]!]), dtype: 'f32' };
  },
  lower(ctx, { inputs: [logits, labels], attrs }) {
    const [rows, cols] = logits!.shape as [number, number];
    const x = ctx.ref(logits!);
    const y = ctx.ref(labels!);
    lowerReduced(
      ctx,
      attrs.reduction,
      rows,
      (loss) => ctx.dispatch({ kernel: forward, bind: { x, labels: y, loss }, uniforms: { rows, cols }, workgroups: grid1d(rows, rowWg()) }),
      cols <= TOTAL_MAX_CLASSES
        ? (loss, scale) => ctx.dispatch({ kernel: forwardTotal, bind: { x, labels: y, loss }, uniforms: { rows, cols, scale }, workgroups: 1 })
        : undefined,
    );
  },
  backward: (g, { inputs: [logits, labels], attrs }) => [apply(crossEntropyGradOp, [logits!, labels!, g], attrs), null],
};

/**
 * −log softmax(logits)[label] per row, then reduced: 'mean' (over the batch), 'sum', or
 * 'none' ([batch]). Stable for logits of any magnitude (max-subtracted log-sum-exp). A label
 * outside [0, classes) reads nothing out of bounds: its row's loss is NaN, its gradient zero,
 * and reading the values (or running the compiled step with reads) throws LabelRangeError.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, reduction: Reduction = 'mean'): Tensor {
  return apply(crossEntropyOp, [logits, labels], { reduction: checkReduction('softmaxCrossEntropy', reduction) });
}
