// LWE key switching, batched: ct [B, N + 1] under the key z (mod 2^32) → out [B, n + 1] under s,
// with ksk [N, L, n + 1] (row (i, l) encrypts z_i * 2^(32 - BETA*(l+1))). Each a_i is rounded
// to its top BETA*L bits and cut into balanced digits d_l in [-2^(BETA-1), 2^(BETA-1));
// out = (0, b) - sum_{i,l} d_l(a_i) * ksk[i, l]. One thread per output word (c, j); the
// digits are recomputed per thread, which costs a few shifts against L key reads.
// src/fhe/lwe/cpu.ts keySwitchCpu is the reference.

override WG: u32 = 256u;

struct Params {
  total: u32,      // B * (n + 1)
  big_n: u32,      // N
  n: u32,
  log_base: u32,   // BETA
  digits: u32,     // L
}

@group(0) @binding(0) var<storage, read> ct: array<u32>;
@group(0) @binding(1) var<storage, read> ksk: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = gid.x + gid.y * nwg.x * WG;
  if (w >= p.total) {
    return;
  }
  let width = p.n + 1u;
  let c = w / width;
  let j = w % width;
  let src = c * (p.big_n + 1u);
  var acc = select(0u, ct[src + p.big_n], j == p.n);
  let kept = p.log_base * p.digits;            // <= 31 (validated)
  let mask = (1u << p.log_base) - 1u;
  let half_base = 1u << (p.log_base - 1u);
  for (var i = 0u; i < p.big_n; i++) {
    var v = (ct[src + i] + (1u << (31u - kept))) >> (32u - kept);
    var carry = 0u;
    for (var l = p.digits; l > 0u; l--) {
      let d = (v & mask) + carry;
      v = v >> p.log_base;
      carry = select(0u, 1u, d >= half_base);
      // The balanced digit d - carry * 2^BETA, applied as a wrapping u32 product.
      let digit = d - (carry << p.log_base);
      acc -= digit * ksk[((i * p.digits + l - 1u) * width) + j];
    }
  }
  out[w] = acc;
}
