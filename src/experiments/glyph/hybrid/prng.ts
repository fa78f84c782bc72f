// The hybrid network's seeded randomness (initial weights, sample order): part of the training
// specification, since the client's encrypted run and the plaintext simulation must draw the
// same numbers. Not for key material (that comes from crypto.getRandomValues only).
/** mulberry32: a 32-bit state generator, uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A permutation of 0..n−1 (Fisher–Yates). */
export function shuffled(n: number, next: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
