// u32-only modular arithmetic for primes q < 2^31 (WGSL has no 64-bit integers).
// Mirrored line for line by src/fhe/arith/u32.ts, which the tests check against BigInt.
// Shared library: kernels concatenate it in front of their own source.

// Per-prime constants, one record per prime of the RNS context (src/fhe/rns/context.ts).
struct Prime {
  q: u32,
  q_neg_inv: u32,   // -q^{-1} mod 2^32 (Montgomery)
  r2: u32,          // 2^64 mod q: REDC(REDC(a*b) * r2) = a*b mod q
  n_inv: u32,       // N^{-1} mod q and its Shoup companion
  n_inv_s: u32,
  last_inv: u32,    // N^{-1} * psi^{-bitrev(1)}: the last inverse NTT stage's twiddle
  last_inv_s: u32,
  half: u32,        // floor(q / 2), for centered lifts
}

// High 32 bits of a*b from four exact 16x16-bit products.
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}

fn add_mod(a: u32, b: u32, q: u32) -> u32 {
  let s = a + b;
  return select(s, s - q, s >= q);
}

fn sub_mod(a: u32, b: u32, q: u32) -> u32 {
  return select(a - b, a - b + q, a < b);
}

// a*b*2^{-32} mod q (Montgomery REDC); a, b < q.
fn mont_mul(a: u32, b: u32, q: u32, q_neg_inv: u32) -> u32 {
  let lo = a * b;
  let m = lo * q_neg_inv;
  // lo + (m*q mod 2^32) is 0 or exactly 2^32: carry 1 unless lo == 0.
  let r = mulhi(a, b) + mulhi(m, q) + select(0u, 1u, lo != 0u);
  return select(r, r - q, r >= q);
}

// a*b mod q for two variable residues: two REDCs, the second against 2^64 mod q.
fn mul_mod(a: u32, b: u32, p: Prime) -> u32 {
  return mont_mul(mont_mul(a, b, p.q, p.q_neg_inv), p.r2, p.q, p.q_neg_inv);
}

// x*w mod q for a constant w with Shoup companion wp = floor(w*2^32/q); x any u32.
fn shoup_mul(x: u32, w: u32, wp: u32, q: u32) -> u32 {
  let r = x * w - mulhi(x, wp) * q;
  return select(r, r - q, r >= q);
}
