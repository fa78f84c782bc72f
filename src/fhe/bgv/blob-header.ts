// The JSON header of a BGV blob: the parameters and the items, each with the shapes of its
// tensors, which follow one another in the payload. checkHeader validates the header completely
// (types, parameters, every dimension against them, the sizes against the payload) before a
// single word is allocated; headerText writes the one canonical form, which readers demand, so
// an accepted blob is exactly what serialize writes for the decoded items.
import { GradwgslError } from '../../device/errors.js';
import { FieldReader, show, type Reject } from '../serial/field-reader.js';
import { MAX_CIPHERTEXT_PRIMES, validateParameters, type BgvParameters } from './params.js';

export type ItemKind = 'ciphertext' | 'public-key' | 'relin-key' | 'galois-keys';
const KINDS: readonly ItemKind[] = ['ciphertext', 'public-key', 'relin-key', 'galois-keys'];

/** One tensor of an item: its shape, its u32 words, and the prime of row r: primes[r % primes.length]. */
export interface Chunk {
  shape: number[];
  words: number;
  primes: readonly number[];
}

export interface BlobEntry {
  name: string;
  kind: ItemKind;
  /** Ciphertexts: the factor f with which they decrypt (f·m mod t), in [1, t). */
  factor?: bigint;
  /** Galois keys: the element of each chunk. */
  elements?: number[];
  chunks: Chunk[];
}

export interface BlobHeader {
  params: BgvParameters;
  entries: BlobEntry[];
}

/** Item names become object keys: letters first (no '__proto__'), short. */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Far more items than any upload has; a cap on the work a header can ask for. */
export const MAX_ENTRIES = 1024;
const SECURITY = [128, 192, 256, 'none'] as const;

/** The canonical header text: fixed key order, no spaces. */
export function headerText({ params: p, entries }: BlobHeader): string {
  return JSON.stringify({
    // Batch encoding is the default and is not written, so part 1's blobs keep their bytes.
    params: {
      n: p.n, ciphertextPrimes: p.ciphertextPrimes, specialPrime: p.specialPrime, plainModulus: p.plainModulus, security: p.security,
      ...(p.encoding === 'coefficients' ? { encoding: p.encoding } : {}),
    },
    entries: entries.map((e) => ({
      name: e.name,
      kind: e.kind,
      ...(e.factor === undefined ? {} : { factor: e.factor.toString() }),
      ...(e.elements === undefined ? {} : { elements: e.elements }),
      shapes: e.chunks.map((c) => c.shape),
    })),
  });
}

function readParams(r: FieldReader, v: unknown): BgvParameters {
  const coefficients = typeof v === 'object' && v !== null && Object.hasOwn(v, 'encoding');
  const o = r.object(v, 'header.params', ['n', 'ciphertextPrimes', 'specialPrime', 'plainModulus', 'security', ...(coefficients ? ['encoding'] : [])]);
  if (coefficients && o.encoding !== 'coefficients') r.reject('header.params.encoding', show(o.encoding), '"coefficients" (batch encoding is written by leaving the key out)');
  const int = (x: unknown, field: string) => r.integer(x, `header.params.${field}`, 0, Number.MAX_SAFE_INTEGER);
  const primes = r.array(o.ciphertextPrimes, 'header.params.ciphertextPrimes', 1, MAX_CIPHERTEXT_PRIMES);
  if (!SECURITY.includes(o.security as never)) r.reject('header.params.security', show(o.security), '128, 192, 256 or "none"');
  const params: BgvParameters = {
    n: int(o.n, 'n'),
    ciphertextPrimes: primes.map((q, i) => int(q, `ciphertextPrimes[${i}]`)),
    specialPrime: int(o.specialPrime, 'specialPrime'),
    plainModulus: int(o.plainModulus, 'plainModulus'),
    security: o.security as BgvParameters['security'],
    ...(coefficients ? { encoding: 'coefficients' as const } : {}),
  };
  try {
    validateParameters(params);
  } catch (e) {
    if (!(e instanceof GradwgslError)) throw e;
    r.reject('header.params', 'not a valid parameter set', `parameters validateParameters accepts (${e.message})`);
  }
  return params;
}

/** Checks one tensor shape of an item against the parameters and the words still unread. */
function readChunk(r: FieldReader, v: unknown, field: string, kind: ItemKind, p: BgvParameters, wordsLeft: number): Chunk {
  const L = p.ciphertextPrimes.length;
  const n = p.n;
  const rank = kind === 'public-key' ? 3 : 4;
  const s = r.array(v, field, rank, rank);
  const dim = (i: number, min: number, max: number, meaning: string) => r.integer(s[i], `${field}[${i}]`, min, max, meaning);
  if (kind === 'public-key') {
    const shape = [dim(0, 2, 2, 'parts'), dim(1, L, L, 'limbs: every ciphertext prime'), dim(2, n, n, 'ring degree N')];
    return chunk(r, field, shape, p.ciphertextPrimes, wordsLeft);
  }
  if (kind === 'ciphertext') {
    const tail = [dim(1, 2, 3, 'parts'), dim(2, 1, L, 'limbs: the level'), dim(3, n, n, 'ring degree N')];
    const perItem = tail[0]! * tail[1]! * n;
    const batch = dim(0, 1, Math.max(1, Math.floor(wordsLeft / perItem)), `batch: the ciphertexts the ${wordsLeft} unread payload words hold`);
    return chunk(r, field, [batch, ...tail], p.ciphertextPrimes.slice(0, tail[1]), wordsLeft);
  }
  // Key-switching keys: [d, 2, d + 1, N] over the special prime and q_1..q_d.
  const d = dim(0, 1, L, 'digits: the key level');
  const shape = [d, dim(1, 2, 2, 'parts'), dim(2, d + 1, d + 1, 'limbs: the special prime and one per digit'), dim(3, n, n, 'ring degree N')];
  return chunk(r, field, shape, [p.specialPrime, ...p.ciphertextPrimes.slice(0, d)], wordsLeft);
}

function chunk(r: FieldReader, field: string, shape: number[], primes: readonly number[], wordsLeft: number): Chunk {
  const words = shape.reduce((a, b) => a * b, 1);
  if (words > wordsLeft) r.reject(`${field} size`, `${words} words`, `at most the ${wordsLeft} unread payload words`);
  return { shape, words, primes };
}

function readEntry(r: FieldReader, v: unknown, field: string, p: BgvParameters, wordsLeft: number): BlobEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) r.reject(field, show(v), 'an object (an item)');
  const kind = (v as Record<string, unknown>).kind as ItemKind;
  if (!KINDS.includes(kind)) r.reject(`${field}.kind`, show(kind), KINDS.map((k) => `"${k}"`).join(', '));
  const extra = kind === 'ciphertext' ? ['factor'] : kind === 'galois-keys' ? ['elements'] : [];
  const o = r.object(v, field, ['name', 'kind', ...extra, 'shapes']);
  if (typeof o.name !== 'string' || !NAME.test(o.name)) r.reject(`${field}.name`, show(o.name), `a name matching ${NAME}`);
  const entry: BlobEntry = { name: o.name as string, kind, chunks: [] };
  const at = `${field} (${entry.name})`;
  let count = 1;
  if (kind === 'ciphertext') entry.factor = readFactor(r, o.factor, `${at}.factor`, p.plainModulus);
  if (kind === 'galois-keys') {
    const seen = new Set<number>();
    entry.elements = r.array(o.elements, `${at}.elements`, 0, p.n).map((g, i) => {
      const e = r.integer(g, `${at}.elements[${i}]`, 1, 2 * p.n - 1, 'a Galois element: odd, below 2N');
      if (e % 2 === 0 || seen.has(e)) r.reject(`${at}.elements[${i}]`, `${e}`, 'an odd Galois element not listed before');
      seen.add(e);
      return e;
    });
    count = entry.elements.length;
  }
  const shapes = r.array(o.shapes, `${at}.shapes`, count, count);
  for (const [i, s] of shapes.entries()) {
    const c = readChunk(r, s, `${at}.shapes[${i}]`, kind, p, wordsLeft);
    wordsLeft -= c.words;
    entry.chunks.push(c);
  }
  return entry;
}

/** The factor as its canonical decimal string; it must be invertible mod t, i.e. in [1, t). */
function readFactor(r: FieldReader, v: unknown, field: string, t: number): bigint {
  if (typeof v !== 'string' || !/^[1-9][0-9]{0,9}$/.test(v) || Number(v) >= t) {
    return r.reject(field, show(v), `a decimal string in [1, t = ${t})`);
  }
  return BigInt(v);
}

/**
 * Validates a parsed header against itself and a payload of `payloadWords` u32 words, which its
 * chunks must fill exactly; every failure goes to `reject`.
 */
export function checkHeader(value: unknown, payloadWords: number, reject: Reject): BlobHeader {
  const r = new FieldReader(reject);
  const o = r.object(value, 'header', ['params', 'entries']);
  const params = readParams(r, o.params);
  const raw = r.array(o.entries, 'header.entries', 0, MAX_ENTRIES);
  const entries: BlobEntry[] = [];
  const names = new Set<string>();
  let wordsLeft = payloadWords;
  for (const [i, v] of raw.entries()) {
    const e = readEntry(r, v, `header.entries[${i}]`, params, wordsLeft);
    if (names.has(e.name)) r.reject(`header.entries[${i}].name`, `"${e.name}"`, 'a name not used by an earlier entry');
    names.add(e.name);
    for (const c of e.chunks) wordsLeft -= c.words;
    entries.push(e);
  }
  if (wordsLeft !== 0) r.reject('the payload', `${payloadWords} words`, `${payloadWords - wordsLeft} words, what the entries' shapes add up to`);
  return { params, entries };
}
