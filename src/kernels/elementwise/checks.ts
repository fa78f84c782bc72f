// Input checks shared by the elementwise ops.
import { fail } from '../../device/errors.js';
import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';

export function requireDtype(op: string, t: Tensor, ...allowed: DType[]): void {
  if (!allowed.includes(t.dtype)) {
    fail(`${op}: ${t} has dtype ${t.dtype}; this op takes ${allowed.join(' or ')} (cast first)`);
  }
}
