// Static loss scaling as an op: the identity going forward (a view, nothing runs), the gradient
// multiplied by `scale` going backward. Placed after a model's output it turns the gradient of a
// mean loss into that of the loss scaled by `scale` (scale = batch size: the summed loss), so
// small back-propagated errors stay above the FP8 underflow threshold.
import { fail } from '../../device/errors.js';
import { apply, type Tensor, type OpDef } from '../../tensor/tensor.js';
import { mulScalar } from '../elementwise/unary.js';

const scaleGradientOp: OpDef<{ scale: number }> = {
  name: 'scaleGradient',
  view: true,
  infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
  lower() {},
  backward: (g, { attrs }) => [mulScalar(g, attrs.scale)],
};

export function scaleGradient(x: Tensor, scale: number): Tensor {
  if (!(Number.isFinite(scale) && scale > 0)) fail(`scaleGradient: scale = ${scale} must be a finite number > 0`);
  return apply(scaleGradientOp, [x], { scale });
}
