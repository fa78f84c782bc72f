// CRC-32 (IEEE 802.3, the zlib/PNG polynomial). It detects every error burst of up to 32 bits,
// so any single damaged byte of a blob is caught before its contents are read. Written here,
// not taken from node:zlib, because blobs are read in browser pages too; slicing-by-8 (eight
// tables, eight bytes a step) keeps a 100 MB upload to a fraction of a second.

/** TABLES[256·s + b]: the CRC of byte b followed by s zero bytes. */
const TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let s = 1; s < 8; s++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[256 * (s - 1) + b]!;
      t[256 * s + b] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  const t = TABLES;
  let c = 0xffffffff;
  let i = 0;
  for (; i + 8 <= bytes.length; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
