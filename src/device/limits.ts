// Buffer sizes checked against the device's limits before WebGPU sees them. WebGPU reports an
// oversized createBuffer() asynchronously, as an error that surfaces at whatever runs next and
// leaves an invalid buffer behind; checking first names the tensor and says what to do.
import { fail } from './errors.js';

/** Bytes in a human unit, with the exact count for anyone comparing against a limit. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return u === 0 ? `${bytes} bytes` : `${v.toFixed(1)} ${units[u]} (${bytes} bytes)`;
}

/**
 * Throws unless `bytes` fits one storage buffer bound whole: the engine binds every tensor's
 * storage as one binding, so maxStorageBufferBindingSize (never above maxBufferSize) is the limit.
 */
export function checkStorageSize(limits: GPUSupportedLimits, bytes: number, what: string): void {
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (bytes <= limit) return;
  const binding = `maxStorageBufferBindingSize of ${formatBytes(limits.maxStorageBufferBindingSize)}`;
  const buffer = `maxBufferSize of ${formatBytes(limits.maxBufferSize)}`;
  const over = [bytes > limits.maxStorageBufferBindingSize && binding, bytes > limits.maxBufferSize && buffer].filter(Boolean);
  fail(
    `${what} needs ${formatBytes(bytes)} in one buffer, over this device's ${over.join(' and its ')}. ` +
      'Use a smaller batch, or split the tensor and process it in parts.',
  );
}
