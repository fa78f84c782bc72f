// broadcastTo: materialises a broadcast (x + zeros would too, but this says what it means).
import { fill } from '../elementwise/fill.js';
import { add } from '../elementwise/binary.js';
import type { Tensor } from '../../tensor/tensor.js';

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return add(fill(shape, 0), x);
}
