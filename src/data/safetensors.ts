// The safetensors format (Hugging Face), so checkpoints open in PyTorch with
// `safetensors.torch.load_file`: an 8-byte little-endian header length N, N bytes of JSON
// {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}},
// padded with spaces to a multiple of 8, then the tensors' little-endian bytes back to back.
// Readers require the offsets to tile the data exactly (no gaps, nothing after the last), so
// alignment comes from ordering, as the reference writer does: widest dtypes first, then by name.
import { fail } from '../device/errors.js';
import { fmt } from '../tensor/shape.js';

export type SafeDType = 'F32' | 'U32' | 'I32' | 'F16' | 'F8_E5M2' | 'U8';
export type SafeData = Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** F16 and F8_E5M2 data are the raw bit patterns (Uint16Array, Uint8Array), not decoded values. */
export interface SafeArray {
  dtype: SafeDType;
  shape: number[];
  data: SafeData;
}

export interface SafeFile {
  arrays: Record<string, SafeArray>;
  metadata: Record<string, string>;
}

type ArrayType = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): SafeData; BYTES_PER_ELEMENT: number };

/** `order`: the dtype's place in the reference implementation's alignment order, used for sorting. */
const DTYPES: Record<SafeDType, { array: ArrayType; order: number }> = {
  F32: { array: Float32Array, order: 11 },
  U32: { array: Uint32Array, order: 10 },
  I32: { array: Int32Array, order: 9 },
  F16: { array: Uint16Array, order: 7 },
  F8_E5M2: { array: Uint8Array, order: 3 },
  U8: { array: Uint8Array, order: 1 },
};

const METADATA_KEY = '__metadata__';
/** The reference reader's limit; a larger "header length" means a corrupt or foreign file. */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) fail('safetensors stores little-endian data; this big-endian machine would need byte swapping, which gradwgsl does not do');
}

function isDType(d: unknown): d is SafeDType {
  return typeof d === 'string' && Object.hasOwn(DTYPES, d);
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A fresh buffer holding `bytes` (Buffer#slice would alias, not copy). */
const copyOf = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;

/** `count` elements of `dtype` at `byteOffset` of `buffer`, as the typed array this module uses for it. */
export function safeView(dtype: SafeDType, buffer: ArrayBufferLike, byteOffset: number, count: number): SafeData {
  return new DTYPES[dtype].array(buffer, byteOffset, count);
}

/** Serialises arrays and string metadata into the bytes of a .safetensors file. */
export function encodeSafetensors(arrays: Record<string, SafeArray>, metadata: Record<string, string> = {}): Uint8Array {
  requireLittleEndian();
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(`safetensors metadata '${key}' is a ${typeof value}; values must be strings: JSON.stringify it`);
  }
  const entries = Object.entries(arrays);
  for (const [name, { dtype, shape, data }] of entries) {
    if (name === METADATA_KEY) fail(`safetensors: '${METADATA_KEY}' is reserved for metadata; rename that tensor`);
    if (!isDType(dtype)) fail(`safetensors: tensor '${name}' has dtype '${dtype}'; use one of ${Object.keys(DTYPES).join(', ')}`);
    if (!(data instanceof DTYPES[dtype].array)) fail(`safetensors: tensor '${name}' is ${dtype}, so its data must be a ${DTYPES[dtype].array.name}, got ${data?.constructor?.name}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`safetensors: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (data.length !== elements(shape)) fail(`safetensors: tensor '${name}' has ${data.length} values for shape ${fmt(shape)} (${elements(shape)})`);
  }
  entries.sort(([a, x], [b, y]) => DTYPES[y.dtype].order - DTYPES[x.dtype].order || (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const [name, { dtype, shape, data }] of entries) {
    // Defined as a property so a tensor named "__proto__" is a key like any other.
    Object.defineProperty(header, name, { value: { dtype, shape, data_offsets: [offset, offset + data.byteLength] }, enumerable: true });
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes); // spaces: still valid JSON
  let at = 8 + headerBytes;
  for (const [, { data }] of entries) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/**
 * Parses and validates the bytes of a .safetensors file; `where` names it in errors. Arrays are
 * views of `bytes` when aligned (as files written here always are), copies otherwise.
 */
export function decodeSafetensors(bytes: Uint8Array, where: string): SafeFile {
  requireLittleEndian();
  const bad = (what: string): never => fail(`${where}: ${what}`);
  if (bytes.length < 8) bad(`${bytes.length} bytes is too short for a safetensors file (it starts with an 8-byte header length); the file is truncated or not safetensors`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) bad(`header length ${n} is beyond the format's ${MAX_HEADER_BYTES}-byte limit: not a safetensors file, or its first bytes are corrupt`);
  const headerEnd = 8 + Number(n);
  if (headerEnd > bytes.length) bad(`the header claims ${n} bytes but the file has only ${bytes.length - 8} after the length field: the file is truncated`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (e) {
    bad(`the header is not valid UTF-8 JSON (${(e as Error).message}): the file is corrupt`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('the header is not a JSON object: the file is corrupt');
  const header = parsed as Record<string, unknown>;

  const metadata: Record<string, string> = Object.create(null);
  const meta = header[METADATA_KEY];
  if (meta !== undefined) {
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) bad(`'${METADATA_KEY}' is not an object of strings`);
    for (const [k, v] of Object.entries(meta as object)) {
      if (typeof v !== 'string') bad(`metadata '${k}' is a ${typeof v}, not a string`);
      metadata[k] = v as string;
    }
  }

  const dataBytes = bytes.length - headerEnd;
  const infos = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => {
      const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
      if (!isDType(dtype)) bad(`tensor '${name}' has dtype ${JSON.stringify(dtype)}; gradwgsl reads ${Object.keys(DTYPES).join(', ')}`);
      if (!Array.isArray(shape) || !shape.every(isCount)) bad(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[1] < offsets[0]) {
        bad(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
      }
      const [begin, end] = offsets as [number, number];
      const size = DTYPES[dtype as SafeDType].array.BYTES_PER_ELEMENT;
      const count = elements(shape as number[]);
      if (end - begin !== count * size) bad(`tensor '${name}' (${dtype} ${fmt(shape as number[])}) needs ${count * size} bytes but its data_offsets span ${end - begin}`);
      return { name, dtype: dtype as SafeDType, shape: shape as number[], begin, end, count };
    })
    .sort((a, b) => a.begin - b.begin || a.end - b.end);

  const arrays: Record<string, SafeArray> = Object.create(null);
  let expected = 0;
  for (const { name, dtype, shape, begin, end, count } of infos) {
    if (begin !== expected) bad(`tensor '${name}' starts at data byte ${begin}, expected ${expected}: the offsets overlap or leave a gap, so the file is corrupt`);
    if (end > dataBytes) bad(`tensor '${name}' ends at data byte ${end} but only ${dataBytes} data bytes follow the header: the file is truncated`);
    const at = bytes.byteOffset + headerEnd + begin;
    const aligned = at % DTYPES[dtype].array.BYTES_PER_ELEMENT === 0;
    const data = aligned ? safeView(dtype, bytes.buffer, at, count) : safeView(dtype, copyOf(bytes.subarray(headerEnd + begin, headerEnd + end)), 0, count);
    arrays[name] = { dtype, shape, data };
    expected = end;
  }
  if (expected !== dataBytes) bad(`${dataBytes - expected} bytes follow the last tensor's data; the header does not describe the whole file, so it is corrupt`);
  return { arrays, metadata };
}
