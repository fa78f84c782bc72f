// BGV batching: N integer slots mod t. Slots are the evaluations of the plaintext polynomial
// at the primitive 2N-th roots ψ^(±3^i) (t ≡ 1 mod 2N makes them exist), arranged as two
// rows of N/2: slot i of row 0 is ψ^(3^i), of row 1 ψ^(−3^i). The automorphism X → X^3 then
// rotates both rows left by one, and X → X^(2N−1) swaps the rows (SEAL's layout).
// Encoding runs on the CPU (the client's data is there) with the u32 NTT mod t.
import { fail } from '../../device/errors.js';
import { bitReverse, mod } from '../arith/bigint.js';
import { nttForward, nttInverse } from '../arith/ntt-cpu.js';
import { nttTables, type NttTables } from '../arith/ntt-tables.js';

export class BatchEncoder {
  readonly tables: NttTables;
  /** slotToNtt[i]: the NTT output index that holds slot i. */
  readonly slotToNtt: Uint32Array;

  constructor(
    readonly n: number,
    readonly t: number,
  ) {
    this.tables = nttTables(t, n);
    const logN = this.tables.logN;
    this.slotToNtt = new Uint32Array(n);
    let pos = 1;
    for (let i = 0; i < n / 2; i++) {
      // Our NTT's entry j is the evaluation at ψ^(2·bitrev(j)+1).
      this.slotToNtt[i] = bitReverse((pos - 1) / 2, logN);
      this.slotToNtt[n / 2 + i] = bitReverse((2 * n - pos - 1) / 2, logN);
      pos = (pos * 3) % (2 * n);
    }
  }

  get slots(): number {
    return this.n;
  }

  /** Slot values (any integers, reduced mod t; missing slots are 0) → plaintext coefficients mod t. */
  encode(values: ArrayLike<number | bigint>): Uint32Array {
    if (values.length > this.n) fail(`encode: ${values.length} values for ${this.n} slots`);
    const evals = new Uint32Array(this.n);
    const T = BigInt(this.t);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v === 'number' && !Number.isSafeInteger(v)) fail(`encode: slot ${i} = ${v} is not an integer`);
      evals[this.slotToNtt[i]!] = typeof v === 'bigint' ? Number(mod(v, T)) : ((v % this.t) + this.t) % this.t;
    }
    nttInverse(evals, this.tables);
    return evals;
  }

  /** Plaintext coefficients mod t → slot values in [0, t). */
  decode(coefficients: Uint32Array): Uint32Array {
    if (coefficients.length !== this.n) fail(`decode: ${coefficients.length} coefficients for N = ${this.n}`);
    const evals = coefficients.slice();
    nttForward(evals, this.tables);
    return Uint32Array.from(this.slotToNtt, (j) => evals[j]!);
  }

  /** Slot values read as centered integers in (−t/2, t/2]. */
  decodeSigned(coefficients: Uint32Array): Int32Array {
    return Int32Array.from(this.decode(coefficients), (v) => (v > this.t / 2 ? v - this.t : v));
  }
}

/** Galois element rotating both slot rows left by `steps` (negative: right). */
export function rowRotationElement(n: number, steps: number): number {
  const half = n / 2;
  const s = ((steps % half) + half) % half;
  let g = 1;
  for (let i = 0; i < s; i++) g = (g * 3) % (2 * n);
  return g;
}

/** Galois element swapping the two slot rows. */
export function rowSwapElement(n: number): number {
  return 2 * n - 1;
}
