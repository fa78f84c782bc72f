// A page's config: JSON written over one of the experiment's profiles and checked against the
// experiment's schema, exactly as `gradwgsl reproduce --config` does (src/experiments/config-schema.ts):
// nested objects merge key by key, arrays are replaced, and a typo or a wrong value is refused
// with its key path rather than silently running something else.
import { applyConfigOverrides, configSchemaOf, parseConfigJson, type ConfigSchema } from 'gradwgsl/experiments';

/** The structure a value has, for the editor's layout. */
function kind(v: unknown): 'array' | 'object' | 'value' {
  return Array.isArray(v) ? 'array' : v !== null && typeof v === 'object' ? 'object' : 'value';
}

/** Experiment `name`'s profile `base` with the JSON object `text` written over it; `where` names the text in errors. */
export function applyOverrides<Config>(name: string, base: Config, text: string, where: string): Config {
  return applyConfigOverrides(configSchemaOf(name) as ConfigSchema<Config>, base, parseConfigJson(text, where), where);
}

/** JSON for the editor: indented like JSON.stringify(v, null, 2), but arrays of plain values on one line. */
export function formatConfig(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((x) => kind(x) === 'value')) return `[${value.map((x) => JSON.stringify(x)).join(', ')}]`;
    return `[\n${value.map((x) => inner + formatConfig(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (kind(value) === 'object') {
    const entries = Object.entries(value as object).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([key, x]) => `${inner}${JSON.stringify(key)}: ${formatConfig(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
