// Errors that say what went wrong and what to do, instead of Dawn's raw messages.

/** Bad input from the caller: shapes, dtypes, sizes, missing files. */
export class GradwgslError extends Error {
  override name = 'GradwgslError';
}

/** A WebGPU validation or out-of-memory error, attributed to the kernel and shapes that caused it. */
export class GpuError extends GradwgslError {
  override name = 'GpuError';
  constructor(
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'compilation',
    readonly where: string,
    detail: string,
  ) {
    super(`${kind} error in ${where}: ${detail}`);
  }
}

/** The device is gone (driver reset, destroy()); nothing more can run on it. */
export class DeviceLostError extends GradwgslError {
  override name = 'DeviceLostError';
  constructor(reason: string, message: string) {
    super(
      `WebGPU device lost (${reason}): ${message || 'no message'}. Call init() again for a new device, ` +
        'then recreate the tensors, models and compiled steps: those of the lost device cannot be used.',
    );
  }
}

/**
 * A class label at or above the number of classes reached a loss kernel. The kernel gave the
 * rows with bad labels no gradient, so the parameters were not moved by them.
 */
export class LabelRangeError extends GradwgslError {
  override name = 'LabelRangeError';
  constructor(
    readonly where: string,
    readonly label: number,
    readonly classes: number,
  ) {
    super(
      `${where}: label ${label} is outside [0, ${classes}) (the largest bad label since values were last read). ` +
        'Rows with bad labels got no gradient, so the parameters were not moved by them. ' +
        `Labels must be class indices 0 to ${classes - 1}: fix the labels (1-based? -1 stored as u32 is 4294967295), or give the model one output per class.`,
    );
  }
}

/**
 * A loss or a parameter update became NaN or ±Infinity: training diverged or the inputs hold
 * NaN. Raised only when the runtime's `checkFinite` is on.
 */
export class NonFiniteError extends GradwgslError {
  override name = 'NonFiniteError';
  constructor(
    readonly where: string,
    readonly what: 'loss' | 'update',
  ) {
    super(
      what === 'loss'
        ? `${where}: the loss became NaN or infinite. Check the inputs for NaN or Inf, or lower the learning rate.`
        : `${where}: a parameter update wrote NaN or infinity, so this parameter is no longer usable. ` +
            'Lower the learning rate (or clip the gradients) and restore the last checkpoint.',
    );
  }
}

export function fail(message: string): never {
  throw new GradwgslError(message);
}
