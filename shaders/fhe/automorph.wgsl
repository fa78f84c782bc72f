// The Galois automorphism a(X) -> a(X^g) (g odd) on NTT-domain rows. Entry i of our NTT holds
// a(psi^(2*bitrev(i)+1)), so the automorphism only permutes entries:
// out[i] = x[j] with 2*bitrev(j)+1 = g*(2*bitrev(i)+1) mod 2N.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  g: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

fn bitrev(v: u32) -> u32 {
  return reverseBits(v) >> (32u - p.log_n);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let col = i & ((1u << p.log_n) - 1u);
  // Wrapping products keep the low bits exactly, and 2N is a power of two.
  let e = (p.g * (2u * bitrev(col) + 1u)) & ((2u << p.log_n) - 1u);
  out[i] = x[(r << p.log_n) + bitrev((e - 1u) / 2u)];
}
