// Twiddle tables for the negacyclic NTT over Z_q[X]/(X^N + 1), computed exactly in BigInt.
// Forward: Cooley–Tukey with ψ^bitrev(i) merged in, output in bit-reversed order.
// Inverse: Gentleman–Sande with ψ^-bitrev(i), and N^{-1} folded into its last stage.
// Every twiddle carries its Shoup companion, so butterflies need one mulhi each.
import { fail } from '../../device/errors.js';
import { bitReverse, modInverse, primitiveRoot2N } from './bigint.js';
import { checkModulus, shoupCompanion } from './u32.js';

export interface NttTables {
  q: number;
  n: number;
  logN: number;
  /** The primitive 2N-th root of unity the tables are built from. */
  psi: bigint;
  /** fwd[i] = ψ^bitrev(i) and its Shoup companion. */
  fwd: Uint32Array;
  fwdShoup: Uint32Array;
  /** inv[i] = ψ^-bitrev(i) and its Shoup companion. */
  inv: Uint32Array;
  invShoup: Uint32Array;
  /** N^{-1}, and N^{-1}·inv[1] for the last inverse stage's lower output. */
  nInv: number;
  nInvShoup: number;
  lastInv: number;
  lastInvShoup: number;
}

export function checkRingDegree(n: number): number {
  const logN = Math.log2(n);
  if (!Number.isInteger(logN) || logN < 1 || logN > 16) fail(`ring degree N = ${n} must be a power of two in [2, 65536]`);
  return logN;
}

export function nttTables(q: number, n: number): NttTables {
  checkModulus(q, 'NTT prime');
  const logN = checkRingDegree(n);
  const Q = BigInt(q);
  const psi = primitiveRoot2N(Q, n);
  const psiInv = modInverse(psi, Q);
  const fwd = new Uint32Array(n);
  const inv = new Uint32Array(n);
  // Powers in natural order first, then scattered to bit-reversed positions.
  let p = 1n;
  let pi = 1n;
  for (let i = 0; i < n; i++) {
    const r = bitReverse(i, logN);
    fwd[r] = Number(p);
    inv[r] = Number(pi);
    p = (p * psi) % Q;
    pi = (pi * psiInv) % Q;
  }
  const fwdShoup = fwd.map((w) => shoupCompanion(w, q));
  const invShoup = inv.map((w) => shoupCompanion(w, q));
  const nInv = Number(modInverse(BigInt(n), Q));
  const lastInv = Number((BigInt(nInv) * BigInt(inv[1]!)) % Q);
  return {
    q, n, logN, psi, fwd, fwdShoup, inv, invShoup,
    nInv, nInvShoup: shoupCompanion(nInv, q),
    lastInv, lastInvShoup: shoupCompanion(lastInv, q),
  };
}
