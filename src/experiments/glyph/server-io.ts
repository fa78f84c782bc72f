// What crosses between the Glyph client and server, checked on arrival and before anything is
// allocated on the GPU or computed: the server's job (public model and schedule) against the
// upload's header, and on the client the results' header against the parameters and features
// it asked for. A blob's own format is checked by readBlob (src/fhe/bgv/serialize.ts).
import { fail } from '../../device/errors.js';
import type { BlobEntry, BlobHeader } from '../../fhe/bgv/blob-header.js';
import type { Ciphertext } from '../../fhe/bgv/ciphertext.js';
import { slotSumElements } from '../../fhe/bgv/evaluator.js';
import type { GaloisKeys, PublicKey, RelinKey } from '../../fhe/bgv/keys.js';
import { sameParameters, type BgvParameters } from '../../fhe/bgv/params.js';
import { FieldReader } from '../../fhe/serial/field-reader.js';
import { CLASSES } from './data.js';

/** The server's public model: integer projection weights and the offsets Σ_p w[f,p] μ_int[p]. */
export interface ServerModel {
  weights: readonly (readonly number[])[];
  offsets: readonly number[];
}

export interface ServerSchedule {
  multiplyLevel: number;
  sumLevel: number;
  batch: number;
}

/** The public part of the server's input, as the server process reads it from a JSON file. */
export interface ServerJob {
  model: ServerModel;
  schedule: ServerSchedule;
}

/** The items of an upload, by name. */
export interface Upload {
  publicKey: PublicKey;
  relinKey: RelinKey;
  galoisKeys: GaloisKeys;
  pixels: Ciphertext;
  labels: Ciphertext;
}

const UPLOAD_KINDS: Readonly<Record<keyof Upload, BlobEntry['kind']>> = {
  publicKey: 'public-key',
  relinKey: 'relin-key',
  galoisKeys: 'galois-keys',
  pixels: 'ciphertext',
  labels: 'ciphertext',
};

const reader = (who: string) => new FieldReader((field, found, expected) => fail(`${who}: ${field} is ${found}; expected ${expected}`));

/** A job file's text as a job: JSON of exactly { model, schedule } (checked in full against the upload by checkServerInput). */
export function parseServerJob(text: string): ServerJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`server job: the job file is not JSON (${e instanceof Error ? e.message : String(e)}); write it as JSON.stringify({ model, schedule })`);
  }
  const o = reader('server job').object(value, 'the job', ['model', 'schedule']);
  return { model: o.model as ServerModel, schedule: o.schedule as ServerSchedule };
}

/** The items' names and kinds must be exactly `kinds`. */
function checkItems(who: string, header: BlobHeader, kinds: Readonly<Record<string, BlobEntry['kind']>>): Map<string, BlobEntry> {
  const found = new Map(header.entries.map((e) => [e.name, e]));
  const wanted = Object.entries(kinds);
  if (found.size !== wanted.length || wanted.some(([name, kind]) => found.get(name)?.kind !== kind)) {
    const list = (items: [string, string][]) => items.map(([name, kind]) => `${name} (${kind})`).join(', ') || 'nothing';
    fail(`${who}: the blob holds ${list(header.entries.map((e) => [e.name, e.kind]))}; expected ${list(wanted)}`);
  }
  return found;
}

/** [batch, parts, level, N] of a ciphertext entry. */
const ciphertextShape = (e: BlobEntry) => e.chunks[0]!.shape as [number, number, number, number];

/**
 * Checks everything the server step relies on before it allocates or computes: the upload's
 * items, the schedule against their levels and keys, and the model against the pixel count.
 */
export function checkServerInput(header: BlobHeader, model: unknown, schedule: unknown): void {
  const who = 'serverStep';
  const r = reader(who);
  const items = checkItems(who, header, UPLOAD_KINDS);
  const [pixelCount, pixelParts, pixelLevel] = ciphertextShape(items.get('pixels')!);
  const [labelCount, labelParts, labelLevel] = ciphertextShape(items.get('labels')!);
  r.integer(pixelParts, 'pixels parts', 2, 2, 'relinearized ciphertexts');
  r.integer(labelParts, 'labels parts', 2, 2, 'relinearized ciphertexts');
  r.integer(labelCount, 'labels batch', CLASSES, CLASSES, 'one ciphertext per class');

  const s = r.object(schedule, 'schedule', ['multiplyLevel', 'sumLevel', 'batch'], false);
  const top = Math.min(pixelLevel, labelLevel);
  const multiplyLevel = r.integer(s.multiplyLevel, 'schedule.multiplyLevel', 1, top, `at most the level ${top} of the uploaded ciphertexts`);
  const sumLevel = r.integer(s.sumLevel, 'schedule.sumLevel', 1, multiplyLevel, 'at most multiplyLevel');
  r.integer(s.batch, 'schedule.batch', 1, Number.MAX_SAFE_INTEGER, 'products per GPU batch');
  r.integer(items.get('relinKey')!.chunks[0]!.shape[0], 'relinKey level', multiplyLevel, Number.MAX_SAFE_INTEGER, 'relinearization at multiplyLevel');
  const galois = items.get('galoisKeys')!;
  for (const g of slotSumElements(header.params.n)) {
    const at = galois.elements!.indexOf(g);
    if (at < 0) fail(`${who}: galoisKeys has elements [${galois.elements!.join(', ')}]; expected all of [${slotSumElements(header.params.n).join(', ')}] (the slot sums)`);
    r.integer(galois.chunks[at]!.shape[0], `galoisKeys level for element ${g}`, sumLevel, Number.MAX_SAFE_INTEGER, 'slot sums at sumLevel');
  }

  const m = r.object(model, 'model', ['weights', 'offsets'], false);
  const weights = r.array(m.weights, 'model.weights', 1, Number.MAX_SAFE_INTEGER);
  weights.forEach((row, f) => {
    const values = r.array(row, `model.weights[${f}]`, pixelCount, pixelCount);
    values.forEach((w, p) => r.integer(w, `model.weights[${f}][${p}]`, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer weight'));
  });
  r.array(m.offsets, 'model.offsets', weights.length, weights.length).forEach((o, f) => {
    r.integer(o, `model.offsets[${f}]`, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer offset');
  });
}

/**
 * Checks the server's results before they are uploaded: made for the client's parameters, and
 * exactly `counts` and the batches sums0, sums1, ... holding features·10 ciphertexts in all.
 */
export function checkResults(header: BlobHeader, params: BgvParameters, features: number): void {
  const who = 'readResults';
  if (!sameParameters(header.params, params)) {
    fail(`${who}: the results are for parameters ${JSON.stringify(header.params)}; expected the client's ${JSON.stringify(params)}`);
  }
  const sums = header.entries.filter((e) => /^sums\d+$/.test(e.name));
  const kinds = Object.fromEntries([['counts', 'ciphertext'], ...sums.map((_, i) => [`sums${i}`, 'ciphertext'])]);
  const items = checkItems(who, header, kinds);
  const r = reader(who);
  r.integer(ciphertextShape(items.get('counts')!)[0], 'counts batch', CLASSES, CLASSES, 'one count per class');
  const pairs = sums.reduce((total, e) => total + ciphertextShape(e)[0], 0);
  r.integer(pairs, 'the sums batches in all', features * CLASSES, features * CLASSES, `${features} features × ${CLASSES} classes`);
  for (const e of header.entries) r.integer(ciphertextShape(e)[1], `${e.name} parts`, 2, 2, 'relinearized ciphertexts');
}
