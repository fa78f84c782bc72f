// LWE modulus switching of every word (src/fhe/lwe/cpu.ts modSwitchWords is the reference).
// FROM_PRIME = 1: residues mod a prime Q of bit length k → the torus 2^32, as
//   round(x * factor / 2^(k-1)) with factor = floor(2^(31+k) / Q) < 2^32, from a 64-bit product
//   built of u32 halves (mulhi); the result differs from x * 2^32 / Q by under 2 units.
// FROM_PRIME = 0: the torus → 2^log_to, as round(x / 2^(32 - log_to)) mod 2^log_to.
// Needs modarith.wgsl (mulhi) in front.

override FROM_PRIME: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  total: u32,
  factor: u32,
  shift: u32,   // k - 1 (FROM_PRIME) or 32 - log_to
  log_to: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) {
    return;
  }
  let v = x[i];
  let half = 1u << (p.shift - 1u);
  if (FROM_PRIME == 1u) {
    let lo = v * p.factor;
    let lo_r = lo + half;
    let hi = mulhi(v, p.factor) + select(0u, 1u, lo_r < lo);
    out[i] = (hi << (32u - p.shift)) | (lo_r >> p.shift);
  } else {
    // x + half may wrap past 2^32: that carry is the 2^log_to the final mask drops anyway.
    out[i] = ((v + half) >> p.shift) & ((1u << p.log_to) - 1u);
  }
}
