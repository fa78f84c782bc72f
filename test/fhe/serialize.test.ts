// The FHE blob format under damage: exact round trips, and every kind of bad input (truncation,
// trailing bytes, huge dimensions, bad parameters, residues >= q, wrong magic or version)
// refused before anything is allocated, with a BlobFormatError naming the field. Two seeded fuzz
// loops flip single bytes: as sent (the checksum must catch each one) and re-sealed with a valid
// checksum (as a faulty producer would write them), where every blob is either refused or
// decodes to items that serialize back to exactly those bytes. Synthetic residues on N = 16.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GradwgslError } from '../../src/device/errors.js';
import { isPrime } from '../../src/fhe/arith/bigint.js';
import { Ciphertext } from '../../src/fhe/bgv/ciphertext.js';
import { GaloisKeys, PublicKey, RelinKey } from '../../src/fhe/bgv/keys.js';
import { GLYPH_PRIMES, type BgvParameters } from '../../src/fhe/bgv/params.js';
import { deserialize, readBlob, serialize, type Transferable } from '../../src/fhe/bgv/serialize.js';
import { crc32 } from '../../src/fhe/serial/crc32.js';
import { BlobFormatError } from '../../src/fhe/serial/format-error.js';
import { readFrame, writeFrame } from '../../src/fhe/serial/frame.js';
import type { Runtime } from '../../src/graph/runtime.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';

const N = 16;
const PARAMS: BgvParameters = { n: N, specialPrime: GLYPH_PRIMES[0], ciphertextPrimes: GLYPH_PRIMES.slice(1, 4), plainModulus: 97, security: 'none' };
const [P, Q1, Q2, Q3] = [GLYPH_PRIMES[0], ...PARAMS.ciphertextPrimes] as number[];

let rt: Runtime;
let blob: Uint8Array;
let items: Record<string, Transferable>;

/** Seeded xorshift32: the same mutations on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A u32 tensor whose row r holds uniform residues mod primes[r % primes.length]. */
function residues(shape: number[], primes: number[], next: () => number) {
  const words = new Uint32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(next() * primes[Math.floor(i / N) % primes.length]!);
  return tensor(words, shape, 'u32');
}

beforeAll(async () => {
  rt = await gpu();
  const next = rng(7);
  items = {
    A: new Ciphertext(residues([2, 2, 3, N], [Q1, Q2, Q3], next), 5n),
    B: new Ciphertext(residues([1, 3, 2, N], [Q1, Q2], next)),
    pk: new PublicKey(residues([2, 3, N], [Q1, Q2, Q3], next)),
    rlk: new RelinKey(residues([2, 2, 3, N], [P, Q1, Q2], next)),
    gk: new GaloisKeys(new Map([3, 31].map((g) => [g, residues([1, 2, 2, N], [P, Q1], next)]))),
  };
  blob = await serialize(PARAMS, items);
});

afterEach(() => vi.restoreAllMocks());

/** Each item's kind, factor, Galois elements and every tensor's shape and words. */
async function contents(all: Record<string, Transferable>) {
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(all)) {
    const tensors = item instanceof GaloisKeys ? [...item.keys.values()] : [item.data];
    out[name] = {
      kind: item.constructor.name,
      factor: item instanceof Ciphertext ? item.factor : undefined,
      elements: item instanceof GaloisKeys ? [...item.keys.keys()] : undefined,
      tensors: await Promise.all(tensors.map(async (t) => ({ shape: t.shape, words: Array.from((await t.data()) as Uint32Array) }))),
    };
  }
  return out;
}

const dispose = (all: Record<string, Transferable>) => Object.values(all).forEach((x) => x.dispose());

/** The blob rebuilt with a valid frame and checksum after editing its header or payload words. */
function reframe(bytes: Uint8Array, edit: { header?: (h: any) => void; words?: (w: Uint32Array) => void; text?: (t: string) => string }): Uint8Array {
  const frame = readFrame(bytes);
  const header = JSON.parse(frame.header);
  edit.header?.(header);
  const words = new Uint32Array(frame.payload.slice().buffer);
  edit.words?.(words);
  const text = JSON.stringify(header);
  return writeFrame(edit.text ? edit.text(text) : text, [new Uint8Array(words.buffer)]);
}

/** Expects deserialize to refuse `bytes` with a BlobFormatError matching `message`, uploading nothing. */
function refuses(bytes: Uint8Array, message: RegExp): void {
  const upload = vi.spyOn(rt, 'upload');
  let error: unknown;
  try {
    dispose(deserialize(bytes).items);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BlobFormatError);
  expect((error as Error).message).toMatch(message);
  expect(upload).not.toHaveBeenCalled();
  upload.mockRestore();
}

describe('round trip', () => {
  it('decodes to the same parameters and items, and serializes back to the same bytes', async () => {
    const back = deserialize(blob);
    expect(back.params).toEqual(PARAMS);
    expect(await contents(back.items)).toEqual(await contents(items));
    expect(await serialize(back.params, back.items)).toEqual(blob);
    dispose(back.items);
  });

  it('reads a blob that does not start on a 4-byte boundary', async () => {
    const shifted = new Uint8Array(blob.length + 1).subarray(1);
    shifted.set(blob);
    const back = deserialize(shifted);
    expect(await contents(back.items)).toEqual(await contents(items));
    dispose(back.items);
  });

  it('refuses to write items that do not fit the parameters, naming the dimension', async () => {
    const wide = new Ciphertext(tensor(new Uint32Array(2 * 2 * 4 * N), [2, 2, 4, N], 'u32'));
    await expect(serialize(PARAMS, { wide })).rejects.toThrow(/serialize: header.entries\[0\] \(wide\).shapes\[0\]\[2\] is 4; expected an integer in \[1, 3\] \(limbs: the level\)/);
    await expect(serialize(PARAMS, { __proto__x: items.pk! })).rejects.toThrow(/serialize: header.entries\[0\].name is "__proto__x"; expected a name matching/);
    wide.dispose();
  });
});

describe('the frame', () => {
  it('checksums with the standard CRC-32 (its check value, and bit by bit at every tail length)', () => {
    const bitwise = (bytes: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    for (let len = 0; len <= 40; len++) expect(crc32(blob.subarray(5, 5 + len)), `length ${len}`).toBe(bitwise(blob.subarray(5, 5 + len)));
    expect(crc32(blob)).toBe(bitwise(blob));
  });

  it('refuses a wrong magic and another format version', () => {
    refuses(new TextEncoder().encode('<html><body>not a blob</body></html>'), /the magic \(bytes 0-4\) is 3c 68 74 6d 6c; expected 47 57 46 48 45 \("GWFHE"\): this is not a gradwgsl FHE blob/);
    const old = blob.slice();
    old.set(new TextEncoder().encode('1'), 5); // the first format's "GWFHE1\0\0"
    refuses(old, /the format version \(bytes 5-7\) is "1" \(31 00 00\); expected "2"/);
  });

  it('refuses a blob truncated at any point, saying how long it should be', () => {
    const total = blob.length;
    for (const cut of [0, 3, 12, 23]) refuses(blob.subarray(0, cut), new RegExp(`the blob length is ${cut} bytes; expected at least 24 .*truncated`));
    for (const cut of [24, 100, Math.floor(total / 2), total - 4, total - 1]) {
      refuses(blob.subarray(0, cut), new RegExp(`the blob length is ${cut} bytes; expected ${total} bytes .*: the blob is truncated`));
    }
  });

  it('refuses a trailing byte', () => {
    const longer = new Uint8Array(blob.length + 1);
    longer.set(blob);
    refuses(longer, new RegExp(`the blob length is ${blob.length + 1} bytes; expected ${blob.length} bytes .*: 1 trailing bytes follow the blob`));
  });

  it('refuses huge declared sizes before reading or allocating anything', () => {
    const huge = blob.slice();
    new DataView(huge.buffer).setBigUint64(12, 1n << 50n, true); // payload length: 1 PiB
    refuses(huge, /the blob length is \d+ bytes; expected \d+ bytes .*: the blob is truncated/);
    new DataView(huge.buffer).setBigUint64(12, 1n << 60n, true);
    refuses(huge, /the payload length \(bytes 12-19\) is 1152921504606846976; expected a multiple of 4 below 2\^53/);
    const header = blob.slice();
    new DataView(header.buffer).setUint32(8, 0xfffffff0, true);
    refuses(header, /the header length \(bytes 8-11\) is 4294967280; expected at most 1048576 bytes/);
  });

  it('refuses a damaged byte by its checksum', () => {
    const damaged = blob.slice();
    damaged[blob.length - 10]! ^= 1;
    refuses(damaged, /the checksum \(bytes \d+-\d+\) is 0x[0-9a-f]{8}; expected 0x[0-9a-f]{8}, the CRC-32 of the bytes before it: the blob was damaged/);
  });
});

describe('the header (with a valid checksum, as a faulty producer would write it)', () => {
  it('refuses a huge dimension without allocating it', () => {
    refuses(reframe(blob, { header: (h) => (h.entries[0].shapes[0][0] = 2 ** 40) }), /header.entries\[0\] \(A\).shapes\[0\]\[0\] is 1099511627776; expected an integer in \[1, 7\] \(batch: the ciphertexts the 704 unread payload words hold\)/);
    refuses(reframe(blob, { header: (h) => (h.entries[2].shapes[0][2] = 2 ** 30) }), /header.entries\[2\] \(pk\).shapes\[0\]\[2\] is 1073741824; expected 16 \(ring degree N\)/);
    refuses(reframe(blob, { header: (h) => (h.entries[3].shapes[0] = [9, 2, 10, N]) }), /header.entries\[3\] \(rlk\).shapes\[0\]\[0\] is 9; expected an integer in \[1, 3\] \(digits: the key level\)/);
    refuses(reframe(blob, { header: (h) => (h.params.ciphertextPrimes = new Array(10000).fill(Q1)) }), /header.params.ciphertextPrimes length is 10000; expected 1 to 64/);
  });

  it('refuses bad moduli and ring degrees, naming the parameter', () => {
    expect(isPrime(2147205153n)).toBe(false);
    expect(isPrime(2147205119n) && (2147205119 - 1) % (2 * N) !== 0).toBe(true);
    const bad = (edit: (p: any) => void) => reframe(blob, { header: (h) => edit(h.params) });
    refuses(bad((p) => (p.ciphertextPrimes[1] = 2147205153)), /header.params is not a valid parameter set; expected .*ciphertextPrimes\[1\] = 2147205153 is not prime/);
    refuses(bad((p) => (p.ciphertextPrimes[0] = 2147205119)), /ciphertextPrimes\[0\] = 2147205119 is not ≡ 1 \(mod 2N = 32\); the negacyclic NTT needs it/);
    refuses(bad((p) => (p.specialPrime = 4293918721)), /specialPrime = 4293918721 must be an integer in \[3, 2\^31\)/);
    refuses(bad((p) => (p.n = 24)), /ring degree N = 24 must be a power of two/);
    refuses(bad((p) => (p.n = 1.5)), /header.params.n is 1.5; expected an integer >= 0/);
    refuses(bad((p) => (p.security = 100)), /header.params.security is 100; expected 128, 192, 256 or "none"/);
    refuses(bad((p) => (p.security = 128)), /the HE standard has no 128-bit entry for N = 16/);
  });

  it('refuses a residue equal to its prime, naming where it is', () => {
    // Entry A is [2, 2, 3, N]: word 3·N + 5 is ciphertext 0, part 1, limb 0 (q_1), coefficient 5.
    refuses(reframe(blob, { words: (w) => (w[3 * N + 5] = Q1) }), new RegExp(`header.entries\\[0\\] \\(A\\) chunk 0, row 3, coefficient 5 \\(payload word ${3 * N + 5}\\) is ${Q1}; expected a residue below its prime q = ${Q1}`));
    // The relinearization key's limb 0 is over the special prime P.
    const rlkStart = (2 * 2 * 3 + 1 * 3 * 2 + 2 * 3) * N;
    refuses(reframe(blob, { words: (w) => (w[rlkStart] = P) }), new RegExp(`\\(rlk\\) chunk 0, row 0, coefficient 0 \\(payload word ${rlkStart}\\) is ${P}; expected a residue below its prime q = ${P}`));
    refuses(reframe(blob, { words: (w) => (w[rlkStart] = 0xffffffff) }), /is 4294967295; expected a residue below its prime/);
  });

  it('refuses malformed entries', () => {
    refuses(reframe(blob, { header: (h) => (h.entries[0].kind = 'secret-key') }), /header.entries\[0\].kind is "secret-key"; expected "ciphertext", "public-key", "relin-key", "galois-keys"/);
    refuses(reframe(blob, { header: (h) => (h.entries[0].factor = '97') }), /\(A\).factor is "97"; expected a decimal string in \[1, t = 97\)/);
    refuses(reframe(blob, { header: (h) => (h.entries[0].factor = '0x5') }), /\(A\).factor is "0x5"/);
    refuses(reframe(blob, { header: (h) => (h.entries[4].elements = [3, 3]) }), /\(gk\).elements\[1\] is 3; expected an odd Galois element not listed before/);
    refuses(reframe(blob, { header: (h) => (h.entries[4].elements = [3, 32]) }), /\(gk\).elements\[1\] is 32; expected an integer in \[1, 31\]/);
    refuses(reframe(blob, { header: (h) => (h.entries[1].name = 'A') }), /header.entries\[1\].name is "A"; expected a name not used by an earlier entry/);
    refuses(reframe(blob, { header: (h) => (h.entries[1].extra = 1) }), /header.entries\[1\] keys is name, kind, factor, shapes, extra; expected name, kind, factor, shapes/);
    refuses(reframe(blob, { header: (h) => h.entries.pop() }), /the payload is 704 words; expected 576 words, what the entries' shapes add up to/);
    refuses(reframe(blob, { text: (t) => t.slice(0, -1) }), /the header is not JSON/);
    refuses(reframe(blob, { text: (t) => t.replace('"n":16', '"n":16,"n":16') }), /the header is not in canonical form \(it departs from what serialize writes at character 19\)/);
  });
});

describe('single-byte mutations (seeded)', () => {
  const COUNT = 300;

  it('every damaged byte of a blob as sent is refused with a BlobFormatError', () => {
    const next = rng(2024);
    for (let i = 0; i < COUNT; i++) {
      const bytes = blob.slice();
      const at = Math.floor(next() * bytes.length);
      bytes[at] = (bytes[at]! + 1 + Math.floor(next() * 255)) & 0xff;
      // CRC-32 detects every burst of up to 32 bits, so no changed byte can decode.
      expect(() => deserialize(bytes), `byte ${at}`).toThrow(BlobFormatError);
    }
  });

  it('re-sealed with a valid checksum, each is refused or decodes to items that serialize to exactly its bytes', async () => {
    const next = rng(99);
    const outcomes = { refused: 0, accepted: 0 };
    const headerEnd = 20 + new TextEncoder().encode(readFrame(blob).header).length;
    for (let i = 0; i < COUNT; i++) {
      const bytes = blob.slice();
      const body = bytes.length - 4;
      // Half in the frame and header, where most changes must be refused; half anywhere.
      const at = Math.floor(next() * (i % 2 ? body : headerEnd));
      bytes[at] = (bytes[at]! + 1 + Math.floor(next() * 255)) & 0xff;
      new DataView(bytes.buffer).setUint32(body, crc32(bytes.subarray(0, body)), true);
      let back: ReturnType<typeof deserialize>;
      try {
        back = deserialize(bytes);
      } catch (e) {
        expect(e, `byte ${at}: ${String(e)}`).toBeInstanceOf(GradwgslError);
        outcomes.refused++;
        continue;
      }
      expect(await serialize(back.params, back.items), `byte ${at}`).toEqual(bytes);
      dispose(back.items);
      outcomes.accepted++;
    }
    // Both branches ran: refusals (header, sizes, residues >= q) and faithful decodes (residues < q).
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });

  it('readBlob alone checks on the CPU: the header and residues it returns are the ones written', () => {
    const checked = readBlob(blob);
    expect(checked.header.entries.map((e) => [e.name, e.kind, e.chunks.map((c) => c.shape)])).toEqual([
      ['A', 'ciphertext', [[2, 2, 3, N]]],
      ['B', 'ciphertext', [[1, 3, 2, N]]],
      ['pk', 'public-key', [[2, 3, N]]],
      ['rlk', 'relin-key', [[2, 2, 3, N]]],
      ['gk', 'galois-keys', [[1, 2, 2, N], [1, 2, 2, N]]],
    ]);
    expect(checked.words.length).toBe(704);
  });
});
