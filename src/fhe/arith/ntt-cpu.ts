// The negacyclic NTT on the CPU with u32-only arithmetic, loop for loop the algorithm of
// shaders/fhe/ntt.wgsl. The batch encoder uses it (plaintexts live on the client's CPU);
// the tests hold it and the WGSL kernels to the same BigInt reference.
import type { NttTables } from './ntt-tables.js';
import { addMod, shoupMul, subMod } from './u32.js';

/** In place: coefficients in natural order → evaluations in bit-reversed order. */
export function nttForward(a: Uint32Array, tb: NttTables): void {
  const { n, q, fwd, fwdShoup } = tb;
  for (let m = 1, t = n >>> 1; m < n; m <<= 1, t >>>= 1) {
    for (let i = 0; i < m; i++) {
      const w = fwd[m + i]!;
      const wp = fwdShoup[m + i]!;
      const j1 = 2 * i * t;
      for (let j = j1; j < j1 + t; j++) {
        const u = a[j]!;
        const v = shoupMul(a[j + t]!, w, wp, q);
        a[j] = addMod(u, v, q);
        a[j + t] = subMod(u, v, q);
      }
    }
  }
}

/** In place: evaluations in bit-reversed order → coefficients, including the N^{-1} factor. */
export function nttInverse(a: Uint32Array, tb: NttTables): void {
  const { n, q, inv, invShoup } = tb;
  for (let t = 1, h = n >>> 1; h >= 1; t <<= 1, h >>>= 1) {
    const last = h === 1;
    for (let i = 0; i < h; i++) {
      const w = last ? tb.lastInv : inv[h + i]!;
      const wp = last ? tb.lastInvShoup : invShoup[h + i]!;
      const j1 = 2 * i * t;
      for (let j = j1; j < j1 + t; j++) {
        const u = a[j]!;
        const v = a[j + t]!;
        const s = addMod(u, v, q);
        a[j] = last ? shoupMul(s, tb.nInv, tb.nInvShoup, q) : s;
        a[j + t] = shoupMul(subMod(u, v, q), w, wp, q);
      }
    }
  }
}
