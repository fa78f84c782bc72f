// Second half of dividing by a dropped prime P: out_i = (y_i - delta_i) * P^{-1} mod q_i for
// every kept limb of y [B, k+1, N] (the dropped limb sits at position drop_pos).
// Works in either domain as long as y and delta share it. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  k: u32,
  base: u32,
  drop_pos: u32,
}

@group(0) @binding(0) var<storage, read> y: array<u32>;
@group(0) @binding(1) var<storage, read> delta: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<storage, read> c: array<vec2<u32>>;  // (P^{-1} mod q_i)_i
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let y_row = (r / p.k) * (p.k + 1u) + limb + select(0u, 1u, limb >= p.drop_pos);
  let q = primes[p.base + limb].q;
  let col = i & ((1u << p.log_n) - 1u);
  let diff = sub_mod(y[(y_row << p.log_n) + col], delta[i], q);
  out[i] = shoup_mul(diff, c[limb].x, c[limb].y, q);
}
