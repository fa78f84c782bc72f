// Checks shared by the ops that take logits [batch, classes] with u32 class labels [batch].
import { fail } from '../../device/errors.js';
import { fmt } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { requireDtype } from '../elementwise/checks.js';

/** Returns [batch, classes]. */
export function checkLogits(op: string, logits: Tensor): [number, number] {
  requireDtype(op, logits, 'f32');
  if (logits.rank !== 2) fail(`${op}: logits ${logits} must be 2-d [batch, classes]; reshape first`);
  return [logits.shape[0]!, logits.shape[1]!];
}

export function checkLabels(op: string, logits: Tensor, labels: Tensor): void {
  const [batch] = checkLogits(op, logits);
  if (labels.dtype !== 'u32') {
    fail(`${op}: labels ${labels} are ${labels.dtype}; class indices must be u32: tensor(Uint32Array.from(ys), [${batch}], 'u32')`);
  }
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    fail(`${op}: labels have shape ${fmt(labels.shape)}, but logits ${fmt(logits.shape)} need one label per row: [${batch}]`);
  }
}
