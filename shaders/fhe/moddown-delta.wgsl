// First half of dividing by a dropped prime P with BGV's t-aware rounding: from the dropped
// limb in coefficient form, x mod P, computes for every kept prime q_i
//   delta_i = t * [x * t^{-1}]_P  (centered in (-P/2, P/2]) mod q_i,
// so that delta = x mod P and delta = 0 mod t; (y - delta) / P then keeps the message mod t.
// With t = 1 this is plain rounding. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  k: u32,
  base: u32,
  drop: u32,
}

@group(0) @binding(0) var<storage, read> xd: array<u32>;       // [B, N] dropped limb, coefficients
@group(0) @binding(1) var<storage, read_write> out: array<u32>; // [B, k, N] delta, coefficients
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<storage, read> c: array<vec2<u32>>;  // [t^{-1} mod P, (t mod q_i)_i]
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let pd = primes[p.drop];
  let x = xd[((r / p.k) << p.log_n) + (i & ((1u << p.log_n) - 1u))];
  let w = shoup_mul(x, c[0].x, c[0].y, pd.q);
  let negative = w > pd.half;
  let magnitude = select(w, pd.q - w, negative);
  let q = primes[p.base + limb].q;
  let d = shoup_mul(magnitude, c[1u + limb].x, c[1u + limb].y, q);
  out[i] = select(d, select(q - d, 0u, d == 0u), negative);
}
