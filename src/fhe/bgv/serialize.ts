// A byte format for what crosses from client to server (and back): parameters, public keys
// and ciphertexts, in the frame of ../serial/frame.ts (magic, version, sizes, CRC-32) with the
// JSON header of blob-header.ts, then the u32 residues. The secret key has no encoding here:
// asking to serialize it is an error, so it cannot leave the client by accident.
//
// Reading is two steps: readBlob checks everything on the CPU (frame, header, every residue
// below its prime) and allocates nothing beyond the blob itself; only then does uploadBlob
// make GPU tensors. Anything wrong is a BlobFormatError naming the field.
import { fail } from '../../device/errors.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { badBlob } from '../serial/format-error.js';
import { readFrame, writeFrame } from '../serial/frame.js';
import { checkHeader, headerText, type BlobEntry, type BlobHeader, type ItemKind } from './blob-header.js';
import { Ciphertext } from './ciphertext.js';
import { GaloisKeys, PublicKey, RelinKey, SecretKey } from './keys.js';
import type { BgvParameters } from './params.js';

export type Transferable = Ciphertext | PublicKey | RelinKey | GaloisKeys;

/** A blob checked on the CPU: its header and the payload as u32 words (a view where aligned). */
export interface CheckedBlob {
  header: BlobHeader;
  words: Uint32Array;
}

function tensorsOf(item: Transferable): { kind: ItemKind; tensors: Tensor[]; extra: { factor?: string; elements?: number[] } } {
  if ((item as unknown) instanceof SecretKey) fail('serialize: the secret key never leaves the client; send the public, relinearization and Galois keys');
  if (item instanceof Ciphertext) return { kind: 'ciphertext', tensors: [item.data], extra: { factor: item.factor.toString() } };
  if (item instanceof PublicKey) return { kind: 'public-key', tensors: [item.data], extra: {} };
  if (item instanceof RelinKey) return { kind: 'relin-key', tensors: [item.data], extra: {} };
  if (item instanceof GaloisKeys) return { kind: 'galois-keys', tensors: [...item.keys.values()], extra: { elements: [...item.keys.keys()] } };
  return fail(`serialize: cannot encode ${String(item)}; only ciphertexts and public keys cross to the server`);
}

/**
 * Encodes parameters and named public items (reads their data back from the GPU). The header
 * is checked as deserialize checks it, so a blob this writes is one deserialize accepts.
 */
export async function serialize(params: BgvParameters, items: Record<string, Transferable>): Promise<Uint8Array> {
  const entries = [];
  const tensors: Tensor[] = [];
  for (const [name, item] of Object.entries(items)) {
    const parts = tensorsOf(item);
    for (const t of parts.tensors) if (t.dtype !== 'u32') fail(`serialize: item "${name}" holds ${t}; residues are u32`);
    entries.push({ name, kind: parts.kind, ...parts.extra, shapes: parts.tensors.map((t) => [...t.shape]) });
    tensors.push(...parts.tensors);
  }
  const { n, ciphertextPrimes, specialPrime, plainModulus, security, encoding } = params;
  const wire = { params: { n, ciphertextPrimes, specialPrime, plainModulus, security, ...(encoding === 'coefficients' ? { encoding } : {}) }, entries };
  const words = tensors.reduce((s, t) => s + t.numel, 0);
  const header = checkHeader(wire, words, (field, found, expected) => fail(`serialize: ${field} is ${found}; expected ${expected}`));
  const payload: Uint8Array[] = [];
  for (const t of tensors) {
    const data = (await t.data()) as Uint32Array;
    payload.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return writeFrame(headerText(header), payload);
}

/** The payload as u32 words: a view when it is 4-byte aligned, else one copy. */
function wordsOf(payload: Uint8Array): Uint32Array {
  if (payload.byteOffset % 4 === 0) return new Uint32Array(payload.buffer, payload.byteOffset, payload.byteLength / 4);
  return new Uint32Array(payload.slice().buffer);
}

function checkResidues({ params, entries }: BlobHeader, words: Uint32Array): void {
  const n = params.n;
  let at = 0;
  for (const [i, e] of entries.entries()) {
    for (const [c, { primes, words: count }] of e.chunks.entries()) {
      for (let row = 0; row < count / n; row++) {
        const q = primes[row % primes.length]!;
        const base = at + row * n;
        for (let j = 0; j < n; j++) {
          const w = words[base + j]!;
          if (w >= q) {
            badBlob(
              `header.entries[${i}] (${e.name}) chunk ${c}, row ${row}, coefficient ${j} (payload word ${base + j})`,
              `${w}`,
              `a residue below its prime q = ${q}`,
            );
          }
        }
      }
      at += count;
    }
  }
}

/** Checks a blob completely on the CPU; nothing is allocated for what its header claims. */
export function readBlob(bytes: Uint8Array): CheckedBlob {
  const { header: text, payload } = readFrame(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return badBlob('the header', `not JSON (${e instanceof Error ? e.message : String(e)})`, 'the JSON header serialize writes');
  }
  const header = checkHeader(value, payload.byteLength / 4, badBlob);
  const canonical = headerText(header);
  if (canonical !== text) {
    let at = 0;
    while (text[at] === canonical[at]) at++;
    badBlob('the header', `not in canonical form (it departs from what serialize writes at character ${at})`, 'the exact text serialize writes');
  }
  const words = wordsOf(payload);
  checkResidues(header, words);
  return { header, words };
}

function itemOf(e: BlobEntry, tensors: Tensor[]): Transferable {
  switch (e.kind) {
    case 'ciphertext': return new Ciphertext(tensors[0]!, e.factor);
    case 'public-key': return new PublicKey(tensors[0]!);
    case 'relin-key': return new RelinKey(tensors[0]!);
    case 'galois-keys': return new GaloisKeys(new Map(e.elements!.map((g, i) => [g, tensors[i]!])));
  }
}

/** Uploads a checked blob's items to the GPU. */
export function uploadBlob({ header, words }: CheckedBlob): { params: BgvParameters; items: Record<string, Transferable> } {
  const items: Record<string, Transferable> = {};
  const made: Tensor[] = [];
  let at = 0;
  try {
    for (const e of header.entries) {
      const tensors = e.chunks.map((c) => {
        const t = tensor(words.subarray(at, at + c.words), c.shape, 'u32');
        made.push(t);
        at += c.words;
        return t;
      });
      items[e.name] = itemOf(e, tensors);
    }
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
  return { params: header.params, items };
}

/** Decodes what serialize wrote: checks it all (readBlob), then uploads every tensor to the GPU. */
export function deserialize(bytes: Uint8Array): { params: BgvParameters; items: Record<string, Transferable> } {
  return uploadBlob(readBlob(bytes));
}
