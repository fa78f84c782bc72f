// Sample extraction of coefficient 0 from accumulators over L limbs (bgv/blind-rotate.ts):
// acc [B, 2, L, N] coefficients → LWE samples [B, L, N + 1] (a_0..a_{N-1}, b) with
// b + <a, z> = (c0 + c1*z)[0] mod q_l for each limb l: a_0 = c1[0], a_j = -c1[N - j], b = c0[0].
// Needs modarith.wgsl and negacyclic-rotate.wgsl (neg_mod) in front.

override WG: u32 = 256u;

struct Params {
  total: u32,
  log_n: u32,
  limbs: u32,
  base: u32,
}

@group(0) @binding(0) var<storage, read> acc: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) {
    return;
  }
  let big_n = 1u << p.log_n;
  let j = i % (big_n + 1u);
  let limb = (i / (big_n + 1u)) % p.limbs;
  let c = i / ((big_n + 1u) * p.limbs);
  let c0 = ((c * 2u) * p.limbs + limb) << p.log_n;
  let c1 = ((c * 2u + 1u) * p.limbs + limb) << p.log_n;
  if (j == big_n) {
    out[i] = acc[c0];
  } else if (j == 0u) {
    out[i] = acc[c1];
  } else {
    out[i] = neg_mod(acc[c1 + big_n - j], primes[p.base + limb].q);
  }
}
