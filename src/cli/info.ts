// `gradwgsl info`: what adapter the engine runs on, its features and the limits that matter.
import type { Runtime } from '../graph/runtime.js';

const LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
] as const;

export function adapterInfo(rt: Runtime) {
  const g = rt.gpu;
  return {
    adapter: g.adapter,
    features: [...g.features].sort(),
    limits: Object.fromEntries(LIMITS.map((k) => [k, g.limits[k]])),
  };
}

export function formatInfo(info: ReturnType<typeof adapterInfo>): string {
  const a = info.adapter;
  const lines = [
    `adapter      ${a.description || '(no description)'}`,
    `vendor       ${a.vendor || '-'} / ${a.architecture || '-'}${a.isFallbackAdapter ? ' (software fallback)' : ''}`,
    `runtime      ${a.runtime}`,
    `features     ${info.features.join(', ') || '(none of shader-f16, timestamp-query, subgroups)'}`,
    'limits',
    ...Object.entries(info.limits).map(([k, v]) => `  ${k.padEnd(36)} ${v}`),
  ];
  return lines.join('\n');
}
