// BGV ciphertexts and plaintexts. A Ciphertext holds a batch of B ciphertexts as one u32
// tensor [B, parts, l, N] in the NTT domain over q_1..q_l, and the factor f with which it
// decrypts (f·m mod t): modulus switching multiplies f by q_l^{-1}, since BGV's rounding keeps
// the message only up to that known constant.
import { fail } from '../../device/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BgvContext } from './context.js';

export class Ciphertext {
  constructor(
    readonly data: Tensor,
    readonly factor: bigint = 1n,
  ) {
    if (data.dtype !== 'u32' || data.rank !== 4) fail(`Ciphertext: data must be u32 [B, parts, l, N], got ${data}`);
  }

  get batch(): number {
    return this.data.shape[0]!;
  }

  get parts(): number {
    return this.data.shape[1]!;
  }

  get level(): number {
    return this.data.shape[2]!;
  }

  /** Bytes of the ciphertext data (all B ciphertexts, uncompressed). */
  get bytes(): number {
    return this.data.numel * 4;
  }

  dispose(): void {
    this.data.dispose();
  }
}

/** Encoded plaintexts: B polynomials' coefficients mod t, on the CPU. */
export class Plaintext {
  constructor(
    readonly coefficients: Uint32Array,
    readonly batch: number,
  ) {}

  /** Encodes one row of slot values per plaintext. */
  static encode(ctx: BgvContext, rows: readonly ArrayLike<number | bigint>[]): Plaintext {
    const n = ctx.n;
    const out = new Uint32Array(rows.length * n);
    rows.forEach((r, i) => out.set(ctx.encoder.encode(r), i * n));
    return new Plaintext(out, rows.length);
  }
}
