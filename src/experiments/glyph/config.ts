// Configuration and result types of the Glyph reproduction (papers/glyph-fhe.md §9): the
// encrypted last-layer training demo on MNIST, with the spec's full protocol and a quick profile.
import { GLYPH_PARAMETERS, type BgvParameters } from '../../fhe/bgv/params.js';

export interface GlyphConfig {
  /** 2×2 average pooling to 14×14 = 196 pixels (true), or all 784. */
  pool: boolean;
  /** PCA components d of the public feature projection. */
  features: number;
  /** At most this many private digits (every k-th of the 3,998), or null for all; ≤ N slots. */
  privateSamples: number | null;
  /** BGV parameters; the defaults are the spec's 128-bit set. */
  params: BgvParameters;
  /**
   * Modulus-switching schedule, in ciphertext primes: features are multiplied with labels at
   * `multiplyLevel`, and the products are slot-summed at `sumLevel`.
   */
  multiplyLevel: number;
  sumLevel: number;
  /** Encrypted products handled per GPU batch (memory vs dispatch count). */
  batch: number;
}

export const DEFAULT_CONFIG: GlyphConfig = {
  pool: true,
  features: 32,
  privateSamples: null,
  params: GLYPH_PARAMETERS,
  multiplyLevel: 4,
  sumLevel: 3,
  batch: 40,
};

/** The spec's QUICK profile: d = 16, everything else as in the full run. */
export const QUICK_CONFIG: GlyphConfig = { ...DEFAULT_CONFIG, features: 16 };

export interface PhaseTimes {
  /** Server, public data: mean image, PCA, quantization. */
  publicModel: number;
  /** Client: secret, public, relinearization and Galois keys. */
  keygen: number;
  /** Client: encoding and encryption of pixels and labels. */
  encrypt: number;
  /** Both directions: serializing what crosses the wire and loading it on the other side. */
  transfer: number;
  /** Server: ct × scalar MACs of the frozen projection. */
  serverProjection: number;
  /** Server: ct × ct products of features and labels with relinearization. */
  serverMultiply: number;
  /** Server: rotate-and-add slot sums. */
  serverSums: number;
  /** Client: decryption and noise measurement. */
  decrypt: number;
}

export interface GlyphResult {
  parameters: {
    n: number;
    logQP: number;
    maxLogQP: number;
    security: string;
    plainModulus: number;
    specialPrime: number;
    ciphertextPrimes: number[];
    multiplyLevel: number;
    sumLevel: number;
  };
  samples: { public: number; private: number; test: number; pixels: number; features: number };
  /** Nearest-centroid test accuracy of the three pipelines. */
  accuracy: { float: number; integer: number; encrypted: number };
  /** T1: decrypted class sums and counts against the integer simulation. */
  exact: { mismatches: number; total: number };
  /** T8: the smallest noise budget (bits) over every returned ciphertext. */
  noiseMarginBits: number;
  /** Largest |W| of the integer simulation, and the overflow bound t/2. */
  maxAbsSum: number;
  halfPlainModulus: number;
  checks: {
    /** T6: entries decrypted with an independent key that equal the truth. */
    wrongKeyMatches: number;
    wrongKeyTotal: number;
    /** T6: adding q_1/2 to one stored residue of c0 changed the decryption. */
    tamperChanged: boolean;
    /** T7: 32-byte windows of the secret key found in the bytes the server received. */
    secretKeyWindowsFound: number;
    secretKeyWindowsChecked: number;
  };
  timings: PhaseTimes;
  bytes: { perCiphertext: number; upload: number; publicKeys: number; results: number };
  /** Decrypted W[f][c] and n_c. */
  decrypted: { sums: number[][]; counts: number[] };
  /** Key switches the server ran (relinearizations + rotations). */
  keySwitches: number;
}
