// Coefficient x of X^k * P(X) mod X^N + 1, for k in [0, 2N): it is +P[t] or -P[t] for one index
// t. Returns (t, 1 if negated). Shared library for the blind-rotation kernels.
fn rotate_source(x: u32, k: u32, n: u32) -> vec2<u32> {
  let t = (x + 2u * n - k) % (2u * n);
  return select(vec2<u32>(t, 0u), vec2<u32>(t - n, 1u), t >= n);
}

// -v mod q for a residue v.
fn neg_mod(v: u32, q: u32) -> u32 {
  return select(q - v, 0u, v == 0u);
}
