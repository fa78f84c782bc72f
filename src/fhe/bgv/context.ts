// A BGV instance: validated parameters, the RNS context on the GPU and (batch encoding only)
// the batch encoder.
// The ring's primes are [P, q_1, ..., q_L]: ciphertexts at level l live on primes [1, 1 + l),
// key switching works on [0, 1 + l), and modulus switching drops q_l.
import { fail } from '../../device/errors.js';
import { log2Big } from '../arith/bigint.js';
import { RnsContext } from '../rns/context.js';
import { BatchEncoder } from './encoder.js';
import { validateParameters, type BgvParameters, type PlainEncoding, type ValidatedParameters } from './params.js';

/** Ciphertext primes start at ring index 1 (index 0 is the special prime). */
export const CIPHERTEXT_BASE = 1;

export class BgvContext {
  readonly params: ValidatedParameters;
  readonly ring: RnsContext;
  readonly t: bigint;
  private readonly batchEncoder: BatchEncoder | null;

  constructor(params: BgvParameters) {
    this.params = validateParameters(params);
    this.ring = new RnsContext(params.n, [params.specialPrime, ...params.ciphertextPrimes]);
    this.batchEncoder = this.encoding === 'batch' ? new BatchEncoder(params.n, params.plainModulus) : null;
    this.t = BigInt(params.plainModulus);
  }

  get encoding(): PlainEncoding {
    return this.params.encoding ?? 'batch';
  }

  /** The slot encoder (batch encoding only: a power-of-two t has no slots). */
  get encoder(): BatchEncoder {
    if (!this.batchEncoder) fail('BGV: these parameters use coefficient encoding, which has no slots; use encodeCoefficients / decryptCoefficients');
    return this.batchEncoder;
  }

  get n(): number {
    return this.params.n;
  }

  /** The top level L: the number of ciphertext primes. */
  get maxLevel(): number {
    return this.params.ciphertextPrimes.length;
  }

  /** The ciphertext primes at level l: q_1..q_l. */
  primesAt(level: number): readonly number[] {
    this.checkLevel(level);
    return this.params.ciphertextPrimes.slice(0, level);
  }

  /** log2 of Q_l = q_1···q_l. */
  modulusBits(level: number): number {
    return log2Big(this.primesAt(level).reduce((p, q) => p * BigInt(q), 1n));
  }

  checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 1 || level > this.maxLevel) fail(`BGV: level ${level} is not in [1, ${this.maxLevel}]`);
  }

  dispose(): void {
    this.ring.dispose();
  }
}
