// The byte frame around every FHE blob, checked before anything inside it is read:
//   [0, 5)    magic "GWFHE"
//   [5, 8)    format version, ASCII NUL-padded ("2\0\0"; the first format wrote "1\0\0")
//   [8, 12)   H: bytes of the JSON header, u32 little-endian
//   [12, 20)  W: bytes of the payload, u64 little-endian
//   [20, 20 + H)  the header (UTF-8), then zero bytes up to a multiple of 4
//   W bytes of payload (u32 words, little-endian), then the CRC-32 of everything before it.
// The declared sizes must add up to the blob's length exactly, so truncation and trailing
// bytes are refused by name, and the checksum catches any damaged byte in between.
import { fail } from '../../device/errors.js';
import { crc32 } from './crc32.js';
import { badBlob } from './format-error.js';

const MAGIC = 'GWFHE';
export const FORMAT_VERSION = '2';
const FIXED_BYTES = 20;
const CHECKSUM_BYTES = 4;
/** A header names parameters, items and shapes: kilobytes. Anything near this cap is not one. */
export const MAX_HEADER_BYTES = 1 << 20;

const padded = (h: number) => Math.ceil(h / 4) * 4;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const hex32 = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;
const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** Frames a header and payload chunks (each a whole number of u32 words) as one blob. */
export function writeFrame(header: string, payload: readonly Uint8Array[]): Uint8Array {
  const text = new TextEncoder().encode(header);
  if (text.length > MAX_HEADER_BYTES) fail(`serialize: the header has ${text.length} bytes, over the format's ${MAX_HEADER_BYTES}; send fewer items per blob`);
  const payloadBytes = payload.reduce((s, c) => s + c.byteLength, 0);
  const start = FIXED_BYTES + padded(text.length);
  const out = new Uint8Array(start + payloadBytes + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC + FORMAT_VERSION));
  view.setUint32(8, text.length, true);
  view.setBigUint64(12, BigInt(payloadBytes), true);
  out.set(text, FIXED_BYTES);
  let at = start;
  for (const chunk of payload) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** The header text and payload bytes of a blob whose frame is intact; refuses anything else. */
export function readFrame(bytes: Uint8Array): { header: string; payload: Uint8Array } {
  const magic = bytes.subarray(0, MAGIC.length);
  if (ascii(magic) !== MAGIC.slice(0, magic.length)) {
    badBlob('the magic (bytes 0-4)', hex(magic), `${hex(new TextEncoder().encode(MAGIC))} ("${MAGIC}"): this is not a gradwgsl FHE blob`);
  }
  const minimum = FIXED_BYTES + CHECKSUM_BYTES;
  if (bytes.length < minimum) badBlob('the blob length', `${bytes.length} bytes`, `at least ${minimum} (fixed header and checksum): the blob is truncated`);
  const version = ascii(bytes.subarray(5, 8)).replace(/\0+$/, '');
  if (version !== FORMAT_VERSION) {
    badBlob('the format version (bytes 5-7)', `${JSON.stringify(version)} (${hex(bytes.subarray(5, 8))})`, `"${FORMAT_VERSION}", the only version this gradwgsl reads`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(8, true);
  if (headerBytes > MAX_HEADER_BYTES) badBlob('the header length (bytes 8-11)', `${headerBytes}`, `at most ${MAX_HEADER_BYTES} bytes`);
  const declared = view.getBigUint64(12, true);
  if (declared > BigInt(Number.MAX_SAFE_INTEGER) || declared % 4n !== 0n) {
    badBlob('the payload length (bytes 12-19)', `${declared}`, `a multiple of 4 below 2^53 (whole u32 words)`);
  }
  const payloadBytes = Number(declared);
  const start = FIXED_BYTES + padded(headerBytes);
  const total = start + payloadBytes + CHECKSUM_BYTES;
  if (bytes.length < total) {
    badBlob('the blob length', `${bytes.length} bytes`, `${total} bytes (a ${headerBytes}-byte header and ${payloadBytes}-byte payload): the blob is truncated`);
  }
  if (bytes.length > total) {
    badBlob('the blob length', `${bytes.length} bytes`, `${total} bytes (a ${headerBytes}-byte header and ${payloadBytes}-byte payload): ${bytes.length - total} trailing bytes follow the blob`);
  }
  const body = total - CHECKSUM_BYTES;
  const stored = view.getUint32(body, true);
  const computed = crc32(bytes.subarray(0, body));
  if (stored !== computed) {
    badBlob(`the checksum (bytes ${body}-${total - 1})`, hex32(stored), `${hex32(computed)}, the CRC-32 of the bytes before it: the blob was damaged`);
  }
  for (let i = FIXED_BYTES + headerBytes; i < start; i++) {
    if (bytes[i] !== 0) badBlob(`header padding byte ${i}`, `${bytes[i]}`, '0');
  }
  let header: string;
  try {
    header = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(FIXED_BYTES, FIXED_BYTES + headerBytes));
  } catch {
    return badBlob('the header', 'not valid UTF-8', 'UTF-8 JSON');
  }
  return { header, payload: bytes.subarray(start, start + payloadBytes) };
}
