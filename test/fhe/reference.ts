// Exact BigInt references for the FHE kernels: the NTT by its definition (evaluation at odd
// powers of ψ), the same transform by BigInt butterflies (fast enough for N = 8192), and the
// negacyclic product by schoolbook multiplication.
import { bitReverse, mod, modInverse, modPow } from '../../src/fhe/arith/bigint.js';

/** out[i] = a(ψ^(2·bitrev(i)+1)) mod q: the definition our bit-reversed NTT must meet. O(N²). */
export function nttByDefinition(a: ArrayLike<number>, q: number, psi: bigint): bigint[] {
  const n = a.length;
  const bits = Math.log2(n);
  const Q = BigInt(q);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = modPow(psi, BigInt(2 * bitReverse(i, bits) + 1), Q);
    let acc = 0n;
    for (let j = n - 1; j >= 0; j--) acc = (acc * x + BigInt(a[j]!)) % Q; // Horner
    out.push(acc);
  }
  return out;
}

/** The same transform by Cooley–Tukey butterflies in BigInt, twiddles from modPow. */
export function nttBigint(a: ArrayLike<number>, q: number, psi: bigint): bigint[] {
  const n = a.length;
  const bits = Math.log2(n);
  const Q = BigInt(q);
  const x = Array.from(a, BigInt);
  for (let m = 1, t = n / 2; m < n; m *= 2, t /= 2) {
    for (let i = 0; i < m; i++) {
      const w = modPow(psi, BigInt(bitReverse(m + i, bits)), Q);
      for (let j = 2 * i * t; j < 2 * i * t + t; j++) {
        const u = x[j]!;
        const v = (x[j + t]! * w) % Q;
        x[j] = (u + v) % Q;
        x[j + t] = mod(u - v, Q);
      }
    }
  }
  return x;
}

/** Inverse of nttBigint (Gentleman–Sande, then N^{-1}). */
export function inttBigint(a: ArrayLike<number>, q: number, psi: bigint): bigint[] {
  const n = a.length;
  const bits = Math.log2(n);
  const Q = BigInt(q);
  const psiInv = modInverse(psi, Q);
  const x = Array.from(a, BigInt);
  for (let t = 1, h = n / 2; h >= 1; t *= 2, h /= 2) {
    for (let i = 0; i < h; i++) {
      const w = modPow(psiInv, BigInt(bitReverse(h + i, bits)), Q);
      for (let j = 2 * i * t; j < 2 * i * t + t; j++) {
        const u = x[j]!;
        const v = x[j + t]!;
        x[j] = (u + v) % Q;
        x[j + t] = (mod(u - v, Q) * w) % Q;
      }
    }
  }
  const nInv = modInverse(BigInt(n), Q);
  return x.map((v) => (v * nInv) % Q);
}

/** a·b in Z_q[X]/(X^N + 1) by schoolbook multiplication. */
export function negacyclicProduct(a: ArrayLike<number>, b: ArrayLike<number>, q: number): bigint[] {
  const n = a.length;
  const Q = BigInt(q);
  const out = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = BigInt(a[i]!) * BigInt(b[j]!);
      const k = i + j;
      if (k < n) out[k] = out[k]! + p;
      else out[k - n] = out[k - n]! - p; // X^N = -1
    }
  }
  return out.map((v) => mod(v, Q));
}

/** Deterministic u32 residues in [0, q) from an LCG (tests never use Math.random). */
export function randomResidues(count: number, q: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const hi = s;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Number(((BigInt(hi) << 32n) | BigInt(s)) % BigInt(q));
  }
  return out;
}

/** The primes the tests run on: the spec's seven 31-bit primes, its plaintext modulus, and small ones. */
export const SPEC_PRIMES = [2147352577, 2147205121, 2147074049, 2146959361, 2146713601, 2146418689, 2146336769];
export const SPEC_T = 1073692673;
