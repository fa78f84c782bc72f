// Optimizers by name, with the defaults the CLI, the profiler and the demos share.
import { fail } from '../device/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop';

export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = { sgd: 0.1, adam: 1e-3, rmsprop: 1e-3 };

export function makeOptimizer(name: string, params: Tensor[], lr: number | undefined, momentum: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD(params, { lr: lr ?? DEFAULT_LR.sgd, momentum });
    case 'adam':
      return new Adam(params, { lr: lr ?? DEFAULT_LR.adam });
    case 'rmsprop':
      return new RMSprop(params, { lr: lr ?? DEFAULT_LR.rmsprop });
    default:
      return fail(`unknown optimizer '${name}'; use sgd, adam or rmsprop`);
  }
}
