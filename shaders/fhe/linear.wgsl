// A public integer matrix applied to a batch of ciphertexts (ct x scalar multiply-accumulate):
// out[f, r] = sum_p w[f, p] * x[p, r] for rows r of one ciphertext ([parts, k] rows of N).
// Weights come per limb in Montgomery form (w * 2^32 mod q_i), so each term is one REDC.
// Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,        // F * rows_per_ct
  rows_per_ct: u32,
  k: u32,
  base: u32,
  inputs: u32,      // P
}

@group(0) @binding(0) var<storage, read> x: array<u32>;   // [P, parts, k, N]
@group(0) @binding(1) var<storage, read> w: array<u32>;   // [F, P, k]
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
  let f = r / p.rows_per_ct;
  let row = r % p.rows_per_ct;
  let limb = row % p.k;
  let pr = primes[p.base + limb];
  let col = i & ((1u << p.log_n) - 1u);
  let stride = p.rows_per_ct << p.log_n;
  var acc = 0u;
  for (var q = 0u; q < p.inputs; q++) {
    let wq = w[(f * p.inputs + q) * p.k + limb];
    acc = add_mod(acc, mont_mul(x[q * stride + (row << p.log_n) + col], wq, pr.q, pr.q_neg_inv), pr.q);
  }
  out[i] = acc;
}
