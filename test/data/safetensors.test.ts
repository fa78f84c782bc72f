import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type SafeArray } from '../../src/data/safetensors.js';
import { GradwgslError } from '../../src/device/errors.js';
import { randomArray } from '../setup.js';

const text = new TextDecoder();
const encoder = new TextEncoder();
const headerLength = (b: Uint8Array) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
const headerText = (b: Uint8Array) => text.decode(b.subarray(8, 8 + headerLength(b)));

/** A file from a hand-written header (padded to 8 like our writer, unless `pad` is false) and data bytes. */
function file(header: object | string, data: Uint8Array, pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const h = encoder.encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const arrays = (): Record<string, SafeArray> => ({
  'layer.w': { dtype: 'F32', shape: [7, 5], data: randomArray(35, 1) },
  'b': { dtype: 'F16', shape: [3], data: Uint16Array.of(0x3c00, 0xc000, 0x7bff) },
  'steps': { dtype: 'U32', shape: [], data: Uint32Array.of(4_000_000_001) },
  'offsets': { dtype: 'I32', shape: [1, 3], data: Int32Array.of(-7, 0, 2 ** 31 - 1) },
  'mask': { dtype: 'U8', shape: [5], data: Uint8Array.of(0, 1, 255, 3, 4) },
  'q': { dtype: 'F8_E5M2', shape: [3, 1], data: Uint8Array.of(0x3c, 0xc0, 0x7b) },
  'empty': { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
});

describe('safetensors', () => {
  it('round-trips every dtype, odd shapes, scalars, empty tensors and metadata', () => {
    const input = arrays();
    const metadata = { step: '12', rng: JSON.stringify({ streams: 3, seed: 7 }) };
    const out = decodeSafetensors(encodeSafetensors(input, metadata), 'memory');
    expect({ ...out.metadata }).toEqual(metadata);
    expect(Object.keys(out.arrays).sort()).toEqual(Object.keys(input).sort());
    for (const [name, a] of Object.entries(input)) {
      const b = out.arrays[name]!;
      expect(b.dtype).toBe(a.dtype);
      expect(b.shape).toEqual(a.shape);
      expect(b.data.constructor).toBe(a.data.constructor);
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
    }
  });

  it('writes the same bytes as the reference implementation for its documented cases', () => {
    // One F32 [1,2,3] tensor: a 64-byte header (already a multiple of 8), then 0..5 little-endian.
    const one = encodeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(one.subarray(0, 8))).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerText(one)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(Array.from(one.subarray(72, 80))).toEqual([0, 0, 0, 0, 0, 0, 128, 63]); // 0.0f, 1.0f
    expect(one.length).toBe(8 + 64 + 24);
    // A 65-byte header is padded with 7 spaces so the data starts 8-aligned.
    const padded = encodeSafetensors({ attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    expect(headerLength(padded)).toBe(72);
    expect(headerText(padded)).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}' + ' '.repeat(7));
    // No tensors: "{}" padded to 8; metadata comes first in the header.
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(headerText(encodeSafetensors({}, { framework: 'pt' }))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors widest dtype first, then by name, so every tensor is aligned in the file', () => {
    const bytes = encodeSafetensors(arrays());
    const header = JSON.parse(headerText(bytes)) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const byOffset = Object.entries(header).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]).map(([k]) => k);
    expect(byOffset).toEqual(['empty', 'layer.w', 'steps', 'offsets', 'b', 'q', 'mask']);
    const sizes: Record<string, number> = { F32: 4, U32: 4, I32: 4, F16: 2, F8_E5M2: 1, U8: 1 };
    for (const { dtype, data_offsets } of Object.values(header)) expect((8 + headerLength(bytes) + data_offsets[0]) % sizes[dtype]!).toBe(0);
    expect(headerLength(bytes) % 8).toBe(0);
  });

  it('reads files whose data is not aligned (the spec allows any header length)', () => {
    const data = new Uint8Array(Float32Array.of(1.5, -2).buffer);
    const bytes = file('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', data, false);
    expect((8 + headerLength(bytes)) % 4).not.toBe(0);
    expect(Array.from(decodeSafetensors(bytes, 'unaligned').arrays.x!.data)).toEqual([1.5, -2]);
  });

  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'U8', shape: [3], data_offsets: [8, 11] } };
  const data11 = Uint8Array.from({ length: 11 }, (_, i) => i);
  const corrupt: [string, () => Uint8Array, RegExp][] = [
    ['a file shorter than the length field', () => Uint8Array.of(1, 2, 3), /3 bytes is too short for a safetensors file/],
    ['a header length past the end', () => file(good, data11).subarray(0, 40), /the header claims 112 bytes but the file has only 32 .*truncated/],
    ['an absurd header length', () => Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0), /beyond the format's 100000000-byte limit/],
    ['a header that is not JSON', () => file('{"a": [1, 2', data11), /the header is not valid UTF-8 JSON/],
    ['a header that is not UTF-8', () => { const f = file(good, data11); f[10] = 0xff; return f; }, /the header is not valid UTF-8 JSON/],
    ['a header that is not an object', () => file('[1, 2]', new Uint8Array(0)), /the header is not a JSON object/],
    ['truncated data', () => file(good, data11.subarray(0, 10)), /tensor 'b' ends at data byte 11 but only 10 data bytes follow the header: the file is truncated/],
    ['trailing bytes', () => file(good, new Uint8Array(12)), /1 bytes follow the last tensor's data/],
    ['a gap between tensors', () => file({ ...good, b: { ...good.b, data_offsets: [9, 12] } }, new Uint8Array(12)), /tensor 'b' starts at data byte 9, expected 8: the offsets overlap or leave a gap/],
    ['offsets that disagree with dtype and shape', () => file({ ...good, a: { ...good.a, shape: [3] } }, data11), /tensor 'a' \(F32 \[3\]\) needs 12 bytes but its data_offsets span 8/],
    ['an unsupported dtype', () => file({ ...good, a: { ...good.a, dtype: 'BF16' } }, data11), /tensor 'a' has dtype "BF16"; gradwgsl reads F32, U32, I32, F16, F8_E5M2, U8/],
    ['a negative dimension', () => file({ ...good, a: { ...good.a, shape: [-2] } }, data11), /tensor 'a' has an invalid shape \[-2\]/],
    ['metadata that is not strings', () => file({ __metadata__: { step: 3 }, ...good }, data11), /metadata 'step' is a number, not a string/],
  ];
  for (const [what, make, message] of corrupt) {
    it(`rejects ${what} with a clear error`, () => {
      let err: unknown;
      try {
        decodeSafetensors(make(), 'ckpt.safetensors');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GradwgslError);
      expect((err as Error).message).toMatch(/^ckpt\.safetensors: /);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('refuses to write what it could not read back', () => {
    const f32 = (n: number) => ({ dtype: 'F32' as const, shape: [n], data: new Float32Array(3) });
    expect(() => encodeSafetensors({ a: f32(4) })).toThrow(/tensor 'a' has 3 values for shape \[4\] \(4\)/);
    expect(() => encodeSafetensors({ a: { dtype: 'F16', shape: [3], data: new Float32Array(3) } })).toThrow(/tensor 'a' is F16, so its data must be a Uint16Array, got Float32Array/);
    expect(() => encodeSafetensors({ __metadata__: f32(3) })).toThrow(/'__metadata__' is reserved/);
    expect(() => encodeSafetensors({}, { step: 3 as unknown as string })).toThrow(/metadata 'step' is a number; values must be strings: JSON.stringify it/);
  });
});
