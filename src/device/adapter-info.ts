// What a Gpu runs on, as plain data: the adapter, its optional features and the limits that
// matter for training (`gradwgsl info` prints it; the demo pages and result.json show it).
import type { Gpu } from './gpu.js';

/** The limits adapterInfo reports: the ones that bound tensor sizes and kernel shapes. */
export const ADAPTER_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type AdapterLimit = (typeof ADAPTER_LIMITS)[number];

export interface AdapterInfo {
  adapter: Gpu['adapter'];
  features: string[];
  limits: Record<AdapterLimit, number>;
}

export function adapterInfo(gpu: Gpu): AdapterInfo {
  return {
    adapter: gpu.adapter,
    features: [...gpu.features].sort(),
    limits: Object.fromEntries(ADAPTER_LIMITS.map((k) => [k, gpu.limits[k]])) as Record<AdapterLimit, number>,
  };
}
