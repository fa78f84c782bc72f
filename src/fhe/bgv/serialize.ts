// A byte format for what crosses from client to server (and back): parameters, public keys
// and ciphertexts. Layout: "GWFHE1\0\0", u32 header length, JSON header (entries with kind,
// shape, byte offset), then the u32 words little-endian. The secret key has no encoding here:
// asking to serialize it is an error, so it cannot leave the client by accident.
import { fail } from '../../device/errors.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Ciphertext } from './ciphertext.js';
import { GaloisKeys, PublicKey, RelinKey, SecretKey } from './keys.js';
import type { BgvParameters } from './params.js';

export type Transferable = Ciphertext | PublicKey | RelinKey | GaloisKeys;

interface Chunk {
  shape: number[];
  offset: number;
}

interface Entry {
  name: string;
  kind: 'ciphertext' | 'public-key' | 'relin-key' | 'galois-keys';
  chunks: Chunk[];
  factor?: string;
  elements?: number[];
}

interface Header {
  params: BgvParameters;
  entries: Entry[];
}

const MAGIC = 'GWFHE1\0\0';

function tensorsOf(item: Transferable): { kind: Entry['kind']; tensors: Tensor[]; extra: Partial<Entry> } {
  if ((item as unknown) instanceof SecretKey) fail('serialize: the secret key never leaves the client; send the public, relinearization and Galois keys');
  if (item instanceof Ciphertext) return { kind: 'ciphertext', tensors: [item.data], extra: { factor: item.factor.toString() } };
  if (item instanceof PublicKey) return { kind: 'public-key', tensors: [item.data], extra: {} };
  if (item instanceof RelinKey) return { kind: 'relin-key', tensors: [item.data], extra: {} };
  if (item instanceof GaloisKeys) return { kind: 'galois-keys', tensors: [...item.keys.values()], extra: { elements: [...item.keys.keys()] } };
  return fail(`serialize: cannot encode ${String(item)}; only ciphertexts and public keys cross to the server`);
}

/** Encodes parameters and named public items (reads their data back from the GPU). */
export async function serialize(params: BgvParameters, items: Record<string, Transferable>): Promise<Uint8Array> {
  const entries: Entry[] = [];
  const payload: Uint32Array[] = [];
  let offset = 0;
  for (const [name, item] of Object.entries(items)) {
    const { kind, tensors, extra } = tensorsOf(item);
    const chunks: Chunk[] = [];
    for (const t of tensors) {
      const words = (await t.data()) as Uint32Array;
      chunks.push({ shape: [...t.shape], offset });
      payload.push(words);
      offset += words.byteLength;
    }
    entries.push({ name, kind, chunks, ...extra });
  }
  const header = new TextEncoder().encode(JSON.stringify({ params, entries } satisfies Header));
  const headerBytes = 8 + 4 + Math.ceil(header.length / 4) * 4;
  const out = new Uint8Array(headerBytes + offset);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let at = headerBytes;
  for (const words of payload) {
    out.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), at);
    at += words.byteLength;
  }
  return out;
}

/** Decodes what serialize wrote, uploading every tensor to the GPU. */
export function deserialize(bytes: Uint8Array): { params: BgvParameters; items: Record<string, Transferable> } {
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('deserialize: not a gradwgsl FHE blob (bad magic)');
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Header;
  const start = 12 + Math.ceil(length / 4) * 4;
  const load = (c: Chunk) => {
    const count = c.shape.reduce((p, d) => p * d, 1);
    const words = new Uint32Array(count);
    new Uint8Array(words.buffer).set(bytes.subarray(start + c.offset, start + c.offset + 4 * count));
    return tensor(words, c.shape, 'u32');
  };
  const items: Record<string, Transferable> = {};
  for (const e of header.entries) {
    const tensors = e.chunks.map(load);
    switch (e.kind) {
      case 'ciphertext': items[e.name] = new Ciphertext(tensors[0]!, BigInt(e.factor ?? '1')); break;
      case 'public-key': items[e.name] = new PublicKey(tensors[0]!); break;
      case 'relin-key': items[e.name] = new RelinKey(tensors[0]!); break;
      case 'galois-keys': items[e.name] = new GaloisKeys(new Map(e.elements!.map((g, i) => [g, tensors[i]!]))); break;
      default: fail(`deserialize: unknown entry kind '${(e as Entry).kind}'`);
    }
  }
  return { params: header.params, items };
}
