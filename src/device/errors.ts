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
    super(`WebGPU device lost (${reason}): ${message || 'no message'}. Create a new device with getDevice().`);
  }
}

export function fail(message: string): never {
  throw new GradwgslError(message);
}
