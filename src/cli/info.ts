// `gradwgsl info`: what adapter the engine runs on, its features and the limits that matter.
import type { AdapterInfo } from 'gradwgsl';

export function formatInfo(info: AdapterInfo): string {
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
