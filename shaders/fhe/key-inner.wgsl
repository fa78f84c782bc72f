// Key-switching inner product over the extended basis: for digits D [B, l, e, N] (NTT) and a
// key [digits, 2, key_e, N] (NTT, Montgomery form), out[b, j, i] = sum_d D[b, d, i] * K[d, j, i]
// for parts j = 0, 1 and limbs i < e. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,    // B * 2 * e
  l: u32,
  e: u32,
  key_e: u32,
  base: u32,
}

@group(0) @binding(0) var<storage, read> d: array<u32>;
@group(0) @binding(1) var<storage, read> key: array<u32>;
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
  let limb = r % p.e;
  let part = (r / p.e) % 2u;
  let b = r / (2u * p.e);
  let pr = primes[p.base + limb];
  let col = i & ((1u << p.log_n) - 1u);
  var acc = 0u;
  for (var j = 0u; j < p.l; j++) {
    let dv = d[(((b * p.l + j) * p.e + limb) << p.log_n) + col];
    let kv = key[(((j * 2u + part) * p.key_e + limb) << p.log_n) + col];
    acc = add_mod(acc, mont_mul(dv, kv, pr.q, pr.q_neg_inv), pr.q);
  }
  out[i] = acc;
}
