// Typed reads of untrusted structured values (a parsed JSON header or job file): each read
// checks one field and hands a failure to `reject` with the field's path, the value found
// and what was expected, so every reader reports the same way.

/** How a check reports a bad field: the field, the value found, what was expected. */
export type Reject = (field: string, found: string, expected: string) => never;

/** A value as a message shows it: JSON, cut short. */
export function show(v: unknown): string {
  const text = v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class FieldReader {
  constructor(readonly reject: Reject) {}

  /** An object holding `keys`; with `exact`, no others. */
  object(v: unknown, field: string, keys: readonly string[], exact = true): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.reject(field, show(v), `an object with keys ${keys.join(', ')}`);
    const found = Object.keys(v);
    if (!keys.every((k) => Object.hasOwn(v, k)) || (exact && found.length !== keys.length)) {
      return this.reject(`${field} keys`, found.join(', ') || 'none', exact ? keys.join(', ') : `at least ${keys.join(', ')}`);
    }
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string, min: number, max: number): unknown[] {
    if (!Array.isArray(v)) return this.reject(field, show(v), 'an array');
    if (v.length < min || v.length > max) return this.reject(`${field} length`, `${v.length}`, min === max ? `${min}` : `${min} to ${max}`);
    return v;
  }

  /** A safe integer in [min, max]; `meaning` says what the number is. */
  integer(v: unknown, field: string, min: number, max: number, meaning = ''): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      const range =
        min === max ? `${min}`
        : max < Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]`
        : min > Number.MIN_SAFE_INTEGER ? `an integer >= ${min}`
        : 'an integer below 2^53 in magnitude';
      return this.reject(field, show(v), meaning ? `${range} (${meaning})` : range);
    }
    return v;
  }
}
