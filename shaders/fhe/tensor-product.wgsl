// Product of two degree-1 ciphertexts in the NTT domain: (a0, a1) x (b0, b1) ->
// (a0 b0, a0 b1 + a1 b0, a1 b1), shapes [B, 2, k, N] x [B, 2, k, N] -> [B, 3, k, N].
// Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,   // B * k
  k: u32,
  base: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
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
  let ct = r / p.k;
  let pr = primes[p.base + limb];
  let col = i & ((1u << p.log_n) - 1u);
  let part = p.k << p.log_n;                       // words per part
  let in0 = ct * 2u * part + (limb << p.log_n) + col;
  let out0 = ct * 3u * part + (limb << p.log_n) + col;
  let a0 = a[in0];
  let a1 = a[in0 + part];
  let b0 = b[in0];
  let b1 = b[in0 + part];
  out[out0] = mul_mod(a0, b0, pr);
  out[out0 + part] = add_mod(mul_mod(a0, b1, pr), mul_mod(a1, b0, pr), pr.q);
  out[out0 + 2u * part] = mul_mod(a1, b1, pr);
}
