// An RNS context: the ring degree N, an ordered list of NTT-friendly primes, and their
// tables on the GPU (per-prime constants and twiddles). Polynomials are u32 tensors of shape
// [..., k, N]; row r of such a tensor is reduced modulo prime `base + r % k`, so every RNS
// basis an op works in is a contiguous range [base, base + k) of this list.
import { fail } from '../../device/errors.js';
import { runtime } from '../../graph/runtime.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { isPrime, mod } from '../arith/bigint.js';
import { nttTables, type NttTables } from '../arith/ntt-tables.js';
import { checkModulus, montgomeryNegInverse, montgomeryR2, shoupCompanion } from '../arith/u32.js';

/** u32 words per prime record (struct Prime in shaders/fhe/modarith.wgsl). */
export const PRIME_RECORD_WORDS = 8;

export class RnsContext {
  readonly logN: number;
  readonly tables: readonly NttTables[];
  /** [P, 8] struct Prime records. */
  readonly primeRecords: Tensor;
  /** [P, N, 2]: (ψ^bitrev(i), Shoup companion) per prime. */
  readonly forwardTwiddles: Tensor;
  /** [P, N, 2]: (ψ^-bitrev(i), Shoup companion) per prime. */
  readonly inverseTwiddles: Tensor;
  private readonly constants = new Map<string, Tensor>();

  constructor(
    readonly n: number,
    readonly primes: readonly number[],
  ) {
    if (primes.length === 0) fail('RnsContext: give at least one prime');
    if (new Set(primes).size !== primes.length) fail(`RnsContext: primes must be distinct, got [${primes.join(', ')}]`);
    for (const q of primes) {
      checkModulus(q, 'RNS prime');
      if (!isPrime(BigInt(q))) fail(`RnsContext: ${q} is not prime; RNS limbs need prime moduli`);
    }
    this.tables = primes.map((q) => nttTables(q, n));
    this.logN = this.tables[0]!.logN;
    const records = new Uint32Array(primes.length * PRIME_RECORD_WORDS);
    const fwd = new Uint32Array(primes.length * n * 2);
    const inv = new Uint32Array(primes.length * n * 2);
    this.tables.forEach((t, p) => {
      records.set(
        [t.q, montgomeryNegInverse(t.q), montgomeryR2(t.q), t.nInv, t.nInvShoup, t.lastInv, t.lastInvShoup, Math.floor(t.q / 2)],
        p * PRIME_RECORD_WORDS,
      );
      for (let i = 0; i < n; i++) {
        fwd[2 * (p * n + i)] = t.fwd[i]!;
        fwd[2 * (p * n + i) + 1] = t.fwdShoup[i]!;
        inv[2 * (p * n + i)] = t.inv[i]!;
        inv[2 * (p * n + i) + 1] = t.invShoup[i]!;
      }
    });
    const rt = runtime();
    this.primeRecords = rt.keep(tensor(records, [primes.length, PRIME_RECORD_WORDS], 'u32', 'fhe/primes'));
    this.forwardTwiddles = rt.keep(tensor(fwd, [primes.length, n, 2], 'u32', 'fhe/twiddles'));
    this.inverseTwiddles = rt.keep(tensor(inv, [primes.length, n, 2], 'u32', 'fhe/inverse-twiddles'));
  }

  get size(): number {
    return this.primes.length;
  }

  /** Checks that [base, base + k) is a range of this context's primes. */
  checkRange(base: number, k: number, what: string): void {
    if (!Number.isInteger(base) || !Number.isInteger(k) || base < 0 || k < 1 || base + k > this.primes.length) {
      fail(`${what}: limbs [${base}, ${base + k}) are not a range of the context's ${this.primes.length} primes`);
    }
  }

  /** A constant c as [P, 2] words (c mod p_i, Shoup companion), cached per value. */
  constantTable(c: bigint): Tensor {
    return this.table(`constant(${c})`, () => {
      const words = new Uint32Array(this.primes.length * 2);
      this.primes.forEach((q, i) => words.set(shoupPair(c, q), 2 * i));
      return words;
    });
  }

  /** A small u32 table of derived constants, built once per key and kept on the GPU. */
  table(key: string, build: () => Uint32Array): Tensor {
    let t = this.constants.get(key);
    if (!t) {
      const words = build();
      t = runtime().keep(tensor(words, [words.length], 'u32', `fhe/${key}`));
      this.constants.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of [this.primeRecords, this.forwardTwiddles, this.inverseTwiddles, ...this.constants.values()]) t.dispose();
    this.constants.clear();
  }
}

/** (c mod q, Shoup companion): a constant ready for shoup_mul. */
export function shoupPair(c: bigint, q: number): [number, number] {
  const r = Number(mod(c, BigInt(q)));
  return [r, shoupCompanion(r, q)];
}
