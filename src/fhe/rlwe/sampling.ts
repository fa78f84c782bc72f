// Secret randomness for keys and encryptions, from the platform CSPRNG
// (crypto.getRandomValues: Node's webcrypto or the browser's). Never Math.random and never
// the training RNG: those are predictable, and predictable masks or errors break RLWE.
import { fail } from '../../device/errors.js';

/** The error width of the HE standard (σ ≈ 3.2) and SEAL's clipping at about 6σ. */
export const ERROR_SIGMA = 3.2;
export const ERROR_BOUND = 19;

const MAX_REQUEST_BYTES = 65536; // getRandomValues' per-call limit

function cryptoSource(): Crypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c?.getRandomValues) fail('no crypto.getRandomValues here: FHE keys and encryptions need a cryptographically secure RNG (Node >= 20 or a browser)');
  return c;
}

export function randomWords(count: number): Uint32Array {
  const out = new Uint32Array(count);
  const c = cryptoSource();
  for (let i = 0; i < count; i += MAX_REQUEST_BYTES / 4) c.getRandomValues(out.subarray(i, i + MAX_REQUEST_BYTES / 4));
  return out;
}

/** Uniform residues in [0, q) by rejection (no modulo bias). */
export function sampleUniform(count: number, q: number): Uint32Array {
  const out = new Uint32Array(count);
  const limit = 2 ** 32 - (2 ** 32 % q);
  let filled = 0;
  while (filled < count) {
    const words = randomWords(Math.ceil((count - filled) * 1.05) + 16);
    for (let i = 0; i < words.length && filled < count; i++) {
      if (words[i]! < limit) out[filled++] = words[i]! % q;
    }
  }
  return out;
}

/** Uniform ternary coefficients in {−1, 0, 1} (the secret-key and encryption-mask distribution). */
export function sampleTernary(count: number): Int32Array {
  const out = new Int32Array(count);
  let filled = 0;
  while (filled < count) {
    const bytes = new Uint8Array(randomWords(Math.ceil((count - filled) / 4) + 4).buffer);
    for (let i = 0; i < bytes.length && filled < count; i++) {
      if (bytes[i]! < 255) out[filled++] = (bytes[i]! % 3) - 1; // 255 = 3·85: unbiased
    }
  }
  return out;
}

/** Cumulative probabilities of the discrete Gaussian on [−B, B], B = ERROR_BOUND. */
const GAUSSIAN_CDF = (() => {
  const w = Array.from({ length: 2 * ERROR_BOUND + 1 }, (_, i) => Math.exp(-((i - ERROR_BOUND) ** 2) / (2 * ERROR_SIGMA ** 2)));
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / total));
})();

/** The exact variance of sampleGaussian's clipped distribution (noise models use it, not σ²). */
export const ERROR_VARIANCE = GAUSSIAN_CDF.reduce((acc, c, i) => acc + (c - (GAUSSIAN_CDF[i - 1] ?? 0)) * (i - ERROR_BOUND) ** 2, 0);

/** Discrete Gaussian errors (σ = 3.2, clipped at ±19) by inversion of the CDF with 53-bit uniforms. */
export function sampleGaussian(count: number): Int32Array {
  const out = new Int32Array(count);
  const words = randomWords(2 * count);
  for (let i = 0; i < count; i++) {
    const u = (words[2 * i]! * 2 ** 21 + (words[2 * i + 1]! >>> 11)) / 2 ** 53;
    let lo = 0;
    let hi = GAUSSIAN_CDF.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < GAUSSIAN_CDF[mid]!) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo - ERROR_BOUND;
  }
  return out;
}
