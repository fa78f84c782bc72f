// A page's config: JSON written over one of the experiment's profiles. Nested objects merge key
// by key (so {"train":{"epochs":2}} keeps the other training settings) and arrays are replaced.
// A typo must not silently run the full protocol, so unknown keys and values of the wrong kind
// are refused with the path and the keys that exist.
import { fail } from 'gradwgsl';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const EXAMPLE = '{"epochs": 3}';

/** The structure a value has; scalars may swap (a field can be 128 | 'none'), structures may not. */
function kind(v: unknown): 'array' | 'object' | 'value' {
  return Array.isArray(v) ? 'array' : v !== null && typeof v === 'object' ? 'object' : 'value';
}

function isObject(v: unknown): v is JsonObject {
  return kind(v) === 'object';
}

/** `text` parsed as a JSON object; `where` names it in the message (e.g. "the config"). */
export function parseOverrides(text: string, where: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`${where} is not valid JSON (${(e as Error).message}); write it like ${EXAMPLE}`);
  }
  if (!isObject(value)) fail(`${where} must be a JSON object like ${EXAMPLE}, not ${JSON.stringify(value)}`);
  return value;
}

function merge(base: JsonObject, over: JsonObject, path: string, where: string): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in base)) fail(`${where}: unknown key '${at}'; the keys ${path ? `in '${path}' ` : ''}are ${Object.keys(base).join(', ')}`);
    const was = base[key]!;
    // null stands for "not set" in some configs (e.g. all examples), so it swaps with anything.
    if (was !== null && value !== null && kind(was) !== kind(value)) {
      fail(`${where}: '${at}' must be ${kind(was) === 'value' ? 'a single value' : `an ${kind(was)}`} like ${JSON.stringify(was)}, not ${JSON.stringify(value)}`);
    }
    out[key] = isObject(was) && isObject(value) ? merge(was, value, at, where) : value;
  }
  return out;
}

/** `base` with the JSON object `text` written over it (see the top of this file). */
export function applyOverrides<Config>(base: Config, text: string, where: string): Config {
  return merge(base as JsonObject, parseOverrides(text, where), '', where) as Config;
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
