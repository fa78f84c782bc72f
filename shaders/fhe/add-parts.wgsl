// out[b, j] = u[b, j] + (j < keep ? x[b, j] : 0) over ciphertext parts: [B, parts, k, N] plus
// the first `keep` parts of x [B, x_parts, k, N]. Adds a key-switching result to the parts of
// a ciphertext it does not replace, or a plaintext (x_parts = 1) to part 0. x may hold a
// single ciphertext shared by the whole batch (x_shared = 1).
// Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  parts: u32,
  k: u32,
  base: u32,
  x_parts: u32,
  keep: u32,
  x_shared: u32,
}

@group(0) @binding(0) var<storage, read> u: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let part = (r / p.k) % p.parts;
  let ct = r / (p.k * p.parts);
  let v = u[i];
  if (part >= p.keep) {
    out[i] = v;
    return;
  }
  let x_row = (select(ct, 0u, p.x_shared == 1u) * p.x_parts + part) * p.k + limb;
  out[i] = add_mod(v, x[(x_row << p.log_n) + (i & ((1u << p.log_n) - 1u))], primes[p.base + limb].q);
}
