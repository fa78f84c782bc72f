// Experiment configs as users write them: a JSON object written over one of the experiment's
// profiles (nested objects merge key by key, arrays and values replace), then checked against the
// experiment's schema (zod). `gradwgsl reproduce --config` and the browser pages' config editor
// both come through here, so they accept and refuse the same configs with the same messages: an
// unknown key names the nearest valid one, a wrong value its key path, what was expected and what
// was given.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { GradwgslError, fail } from '../device/errors.js';

/** A schema that parses exactly the configs of type `Config`. */
export type ConfigSchema<Config> = z.ZodType<Config>;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const EXAMPLE = '{"epochs": 3}';

// ---- Building blocks of the experiments' schemas.

/** An integer in [min, max]. */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);
/** Largest seed: every experiment derives a few seeds from one (3·seed + 3 and the like), all below 2^32. */
export const MAX_SEED = 2 ** 30;
export const seed = integer(0, MAX_SEED);
export const positive = z.number().positive();
export const nonNegative = z.number().min(0);
export const fraction = z.number().min(0).max(1);
/** Momentum-like factors: [0, 1). */
export const belowOne = z.number().min(0).lt(1);
/** A list of at least `min` items. */
export const list = <T extends z.ZodType>(item: T, min = 1) => z.array(item).min(min);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `schemaFor<Fp8Config>()(z.strictObject({...}))`: the schema, accepted by the compiler only when
 * what it parses is exactly the config type, so the two cannot drift apart.
 */
export function schemaFor<Config>() {
  return <S extends z.ZodType>(schema: S & (Same<z.output<S>, Config> extends true ? unknown : { schemaDiffersFrom: Config })): S => schema;
}

// ---- Merging and checking.

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `text` parsed as a JSON object; `where` names it in the message (e.g. "--config"). */
export function parseConfigJson(text: string, where: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`${where} is not valid JSON (${(e as Error).message}); write it like ${EXAMPLE}`);
  }
  if (!isObject(value)) fail(`${where} must be a JSON object like ${EXAMPLE}, not ${JSON.stringify(value)}`);
  return value as JsonObject;
}

/** `over` written over `base`: objects merge key by key, everything else replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    // defineProperty: a key like "__proto__" stays a plain (and then refused) key.
    Object.defineProperty(out, key, { value: Object.hasOwn(base, key) ? deepMerge(base[key], value) : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `overrides` written over the profile `base`, checked against `schema`; fails listing every problem. */
export function applyConfigOverrides<Config>(schema: ConfigSchema<Config>, base: Config, overrides: JsonObject, where: string): Config {
  return checkConfig(schema, deepMerge(base, overrides), where);
}

/** `value` if it is a valid config; else a GradwgslError naming each problem's key path. */
export function checkConfig<Config>(schema: ConfigSchema<Config>, value: unknown, where: string): Config {
  const parsed = schema.safeParse(value);
  // The value itself, not zod's copy: configs are plain data, and the copy of a readonly schema is frozen.
  if (parsed.success) return value as Config;
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const at = pathText(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.set(`${at}.${key}`, unknownKey(schema, issue.path, key));
    } else if (!problems.has(at)) {
      problems.set(at, wrongValue(schema, value, issue));
    }
  }
  throw new GradwgslError(`${where}: ${[...problems.values()].join('; ')}`);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function unknownKey(schema: z.ZodType, path: readonly PropertyKey[], key: string): string {
  const at = path.length ? `in ${pathText(path)}` : 'at the top level';
  const target = schemaAt(schema, path);
  const keys = target instanceof z.ZodObject ? Object.keys(target.shape) : [];
  // Case, '_' and '-' do not count: 'lerning_rate' is one edit from 'learningRate'.
  const plain = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const near = keys.length ? keys[keys.map(plain).indexOf(closest(plain(key), keys.map(plain)))]! : undefined;
  // Near: at most 3 edits that leave over 40% of the longer name alike (commander's rule for commands).
  const edits = near === undefined ? Infinity : distance(plain(key), plain(near));
  const longer = Math.max(key.length, near?.length ?? 0);
  if (near !== undefined && edits <= 3 && (longer - edits) / longer > 0.4) {
    return `unknown key '${key}' ${at}; did you mean '${near}'?`;
  }
  return `unknown key '${key}' ${at}; the keys there are ${keys.join(', ')}`;
}

function wrongValue(schema: z.ZodType, value: unknown, issue: z.core.$ZodIssue): string {
  const given = valueAt(value, issue.path);
  const target = schemaAt(schema, issue.path);
  const expected = target ? describe(target) : issue.message;
  return `'${pathText(issue.path)}' must be ${expected}, ${given === undefined ? 'but it is missing' : `not ${JSON.stringify(given)}`}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** The schema without optional / nullable / readonly wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodReadonly) {
    return unwrap(schema._zod.def.innerType as z.ZodType);
  }
  return schema;
}

/** The part of `schema` that checks the value at `path` (undefined where the path leads nowhere). */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const p of path) {
    const u: z.ZodType | undefined = s && unwrap(s);
    if (u instanceof z.ZodObject) s = (u.shape as Record<string, z.ZodType>)[String(p)];
    else if (u instanceof z.ZodArray) s = u.element as z.ZodType;
    else if (u instanceof z.ZodTuple) s = u._zod.def.items[Number(p)] as z.ZodType | undefined;
    else return undefined;
  }
  return s;
}

/** What a schema accepts, in words: "an integer ≥ 1", "one of "sgd", "adam"", "a number in [0, 1) or null". */
function describe(schema: z.ZodType): string {
  if (schema instanceof z.ZodNullable) return `${describe(schema._zod.def.innerType as z.ZodType)} or null`;
  const s = unwrap(schema);
  if (s instanceof z.ZodNumber) return `${s.isInt ? 'an integer' : 'a number'}${rangeText(s)}`;
  if (s instanceof z.ZodString) return 'a string';
  if (s instanceof z.ZodBoolean) return 'true or false';
  if (s instanceof z.ZodEnum) return oneOf(s.options);
  if (s instanceof z.ZodLiteral) return oneOf([...s.values]);
  if (s instanceof z.ZodTuple) return `a list of ${s._zod.def.items.length} items [${s._zod.def.items.map((i) => describe(i as z.ZodType)).join(', ')}]`;
  if (s instanceof z.ZodArray) {
    const min = s._zod.def.checks?.map((c) => c._zod.def).find((d) => d.check === 'min_length') as { minimum: number } | undefined;
    const least = min ? `at least ${min.minimum} item${min.minimum === 1 ? '' : 's'}` : 'items';
    return `a list of ${least}, each ${describe(s.element as z.ZodType)}`;
  }
  if (s instanceof z.ZodObject) return `an object with the keys ${Object.keys(s.shape).join(', ')}`;
  return 'a valid value';
}

function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

function rangeText(s: z.ZodNumber): string {
  let lo: { value: number; inclusive: boolean } | undefined;
  let hi: { value: number; inclusive: boolean } | undefined;
  for (const c of s._zod.def.checks ?? []) {
    const d = c._zod.def as { check: string; value?: number; inclusive?: boolean };
    if (d.check === 'greater_than') lo = { value: d.value!, inclusive: d.inclusive! };
    if (d.check === 'less_than') hi = { value: d.value!, inclusive: d.inclusive! };
  }
  if (hi?.value === Number.MAX_SAFE_INTEGER) hi = undefined;
  if (lo && hi) return ` in ${lo.inclusive ? '[' : '('}${lo.value}, ${hi.value}${hi.inclusive ? ']' : ')'}`;
  if (lo) return ` ${lo.inclusive ? '≥' : '>'} ${lo.value}`;
  if (hi) return ` ${hi.inclusive ? '≤' : '<'} ${hi.value}`;
  return '';
}
