// Exact CPU twin of shaders/rng/philox.wgsl: Philox4x32-10 on u32 words, and the uniform and
// normal mappings. Tests hold the WGSL to it bit for bit; CPU code (data shuffles, checks) may
// draw from it to get the same numbers as the GPU. See the WGSL file for the key/counter convention.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32, by the same 16-bit halves as the shader. */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox4x32-10 of a 4-word counter under a 2-word key. */
export function philox4x32(key: readonly [number, number], counter: readonly [number, number, number, number]): Uint32Array {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0) as [number, number, number, number];
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return Uint32Array.of(c0, c1, c2, c3);
}

/** The words for elements 4·quad .. 4·quad + 3: key (seed, stream), counter (quad, step, 0, 0). */
export function rngQuad(seed: number, stream: number, quad: number, step: number): Uint32Array {
  return philox4x32([seed, stream], [quad, step, 0, 0]);
}

/** Each element's word under the convention (element i takes word i mod 4 of quad ⌊i/4⌋). */
export function rngWords(n: number, seed: number, stream: number, step = 0): Uint32Array {
  const out = new Uint32Array(n);
  for (let q = 0; 4 * q < n; q++) {
    const w = rngQuad(seed, stream, q, step);
    for (let k = 0; k < 4 && 4 * q + k < n; k++) out[4 * q + k] = w[k]!;
  }
  return out;
}

/** Uniform in [0, 1) from the top 24 bits (exact in f32). */
export function uniformFromBits(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/** Uniform in (0, 1] (safe for log). */
function uniformOpen0(bits: number): number {
  return ((bits >>> 8) + 1) * 2 ** -24;
}

/** Four standard normals by Box–Muller on word pairs (0, 1) and (2, 3), in float64. */
export function normalsFromBits(w: ArrayLike<number>): [number, number, number, number] {
  const r0 = Math.sqrt(-2 * Math.log(uniformOpen0(w[0]!)));
  const t0 = 2 * Math.PI * uniformFromBits(w[1]!);
  const r1 = Math.sqrt(-2 * Math.log(uniformOpen0(w[2]!)));
  const t1 = 2 * Math.PI * uniformFromBits(w[3]!);
  return [r0 * Math.cos(t0), r0 * Math.sin(t0), r1 * Math.cos(t1), r1 * Math.sin(t1)];
}
