// Phases of a batch of torus LWE ciphertexts: out[c] = b_c − <a_c, s> mod 2^32 (u32 wrap-around
// is the torus). ct [B, n + 1], s [n] (binary words). One thread per ciphertext.

override WG: u32 = 256u;

struct Params {
  total: u32,   // B
  n: u32,
}

@group(0) @binding(0) var<storage, read> ct: array<u32>;
@group(0) @binding(1) var<storage, read> s: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gid.x + gid.y * nwg.x * WG;
  if (c >= p.total) {
    return;
  }
  let row = c * (p.n + 1u);
  var acc = ct[row + p.n];
  for (var i = 0u; i < p.n; i++) {
    acc -= ct[row + i] * s[i];
  }
  out[c] = acc;
}
