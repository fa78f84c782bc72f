// RNS digit decomposition for key switching: each limb j of a coefficient-form polynomial
// [B, l, N] (residues mod q_j, i.e. integers in [0, q_j)) is lifted to every limb of the
// extended basis: out[b, j, i] = c[b, j] mod p_(ebase+i), shape [B, l, e, N].
// Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  l: u32,
  e: u32,
  ebase: u32,
}

@group(0) @binding(0) var<storage, read> c: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.e;
  let src_row = r / p.e;   // = b * l + j
  let q = primes[p.ebase + limb].q;
  out[i] = c[(src_row << p.log_n) + (i & ((1u << p.log_n) - 1u))] % q;
}
