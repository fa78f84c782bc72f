// The CPU reference of the blind rotation and sample extraction, step for step the GPU
// pipeline: the same rotation and balanced decomposition, the u32 NTT twin (arith/ntt-cpu.ts,
// itself checked against BigInt), and the key inner product in BigInt (Σ D·K·2^-32 mod Q,
// which is what per-product Montgomery reductions sum to). Tests hold the kernels to it.
import { mod, modInverse } from '../arith/bigint.js';
import { nttForward, nttInverse } from '../arith/ntt-cpu.js';
import type { NttTables } from '../arith/ntt-tables.js';
import { addMod, subMod } from '../arith/u32.js';

/** Coefficients of X^k·P mod (X^N + 1, Q) for k in [0, 2N). */
export function rotateCpu(P: Uint32Array, k: number, q: number): Uint32Array {
  const N = P.length;
  return Uint32Array.from({ length: N }, (_, x) => {
    const t = (x + 2 * N - k) % (2 * N);
    const v = P[t % N]!;
    return t >= N && v !== 0 ? q - v : v;
  });
}

/** Balanced base-2^logBase digits of a residue centred in (−Q/2, Q/2], least significant first; the last keeps the rest. */
export function gadgetDigitsCpu(v: number, q: number, logBase: number, digits: number): number[] {
  let rest = v > Math.floor(q / 2) ? v - q : v;
  const base = 2 ** logBase;
  const out: number[] = [];
  for (let t = 0; t < digits; t++) {
    if (t === digits - 1) {
      out.push(rest);
      break;
    }
    let d = ((rest % base) + base) % base;
    if (d >= base / 2) d -= base;
    out.push(d);
    rest = (rest - d) / base;
  }
  return out;
}

export interface BlindRotationReference {
  tables: NttTables;
  logBase: number;
  digits: number;
  /** Per step, [2·d_g, 2, 1, N] words (NTT domain, Montgomery form), as read back from the GPU. */
  bootstrapKey: readonly Uint32Array[];
}

/** The blind rotation of one LWE input a~ (u32 [n + 1], values in [0, 2N)) with test polynomial tv → [c0, c1]. */
export function blindRotateCpu(ref: BlindRotationReference, lwe2N: Uint32Array, tv: Uint32Array): [Uint32Array, Uint32Array] {
  const { tables, logBase, digits } = ref;
  const { q, n: N } = tables;
  const Q = BigInt(q);
  const rInv = modInverse(1n << 32n, Q);
  const n = lwe2N.length - 1;
  let acc: [Uint32Array, Uint32Array] = [rotateCpu(tv, (2 * N - lwe2N[n]!) % (2 * N), q), new Uint32Array(N)];
  for (let i = 0; i < n; i++) {
    const key = ref.bootstrapKey[i]!;
    const rows: Uint32Array[] = [];
    for (const part of [0, 1]) {
      const diff = rotateCpu(acc[part]!, lwe2N[i]!, q).map((v, x) => subMod(v, acc[part]![x]!, q));
      const perCoeff = Array.from(diff, (v) => gadgetDigitsCpu(v, q, logBase, digits));
      for (let t = 0; t < digits; t++) {
        const row = Uint32Array.from(perCoeff, (d) => (d[t]! < 0 ? d[t]! + q : d[t]!));
        nttForward(row, tables);
        rows.push(row);
      }
    }
    acc = [0, 1].map((out) => {
      const sum = Uint32Array.from({ length: N }, (_, x) => {
        let s = 0n;
        rows.forEach((row, l) => (s += BigInt(row[x]!) * BigInt(key[((l * 2 + out) * N) + x]!)));
        return Number(mod(s * rInv, Q));
      });
      nttInverse(sum, tables);
      return sum.map((v, x) => addMod(acc[out]![x]!, v, q));
    }) as [Uint32Array, Uint32Array];
  }
  return acc;
}

/** Sample extraction of coefficient k from (c0, c1) mod q → [N + 1] (the reference of sampleExtract). */
export function sampleExtractCpu(c0: Uint32Array, c1: Uint32Array, k: number, q: number): Uint32Array {
  const N = c0.length;
  const out = new Uint32Array(N + 1);
  for (let j = 0; j < N; j++) {
    const v = j <= k ? c1[k - j]! : c1[N + k - j]!;
    out[j] = j <= k && v !== 0 ? q - v : v;
  }
  out[N] = c0[k]!;
  return out;
}

/** The phase c0 + c1·z mod (X^N + 1, Q) of an RLWE ciphertext in the coefficient domain (z signed). */
export function ringPhaseCpu(c0: Uint32Array, c1: Uint32Array, z: Int32Array, tables: NttTables): Uint32Array {
  const { q } = tables;
  const Q = BigInt(q);
  const a = Uint32Array.from(c1);
  const zHat = Uint32Array.from(z, (v) => (v < 0 ? q + v : v));
  nttForward(a, tables);
  nttForward(zHat, tables);
  const prod = Uint32Array.from(a, (v, i) => Number((BigInt(v) * BigInt(zHat[i]!)) % Q));
  nttInverse(prod, tables);
  return prod.map((v, i) => addMod(v, c0[i]!, q));
}
