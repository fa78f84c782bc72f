// Sample extraction: coefficient k of an RLWE ciphertext (c0, c1) with phase c0 + c1*z becomes
// the LWE ciphertext (a, b) with b - <a, z> = that coefficient of the phase:
//   b = c0[k],  a_j = -c1[k - j] for j <= k,  a_j = c1[N + k - j] for j > k   (X^N = -1).
// acc [B, 2, 1, N] coefficients mod Q = primes[base], coefficient list ks [K] → out [B, K, N + 1].
// Needs modarith.wgsl and negacyclic-rotate.wgsl (neg_mod) in front.

override WG: u32 = 256u;

struct Params {
  total: u32,     // B * K * (N + 1)
  log_n: u32,
  count: u32,     // K
  base: u32,
}

@group(0) @binding(0) var<storage, read> acc: array<u32>;
@group(0) @binding(1) var<storage, read> ks: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = gid.x + gid.y * nwg.x * WG;
  if (w >= p.total) {
    return;
  }
  let big_n = 1u << p.log_n;
  let j = w % (big_n + 1u);
  let item = w / (big_n + 1u);
  let c = item / p.count;
  let k = ks[item % p.count];
  let c0 = (c * 2u) << p.log_n;
  let c1 = (c * 2u + 1u) << p.log_n;
  if (j == big_n) {
    out[w] = acc[c0 + k];
  } else if (j <= k) {
    out[w] = neg_mod(acc[c1 + k - j], primes[p.base].q);
  } else {
    out[w] = acc[c1 + big_n + k - j];
  }
}
