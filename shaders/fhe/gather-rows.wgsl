// Copies selected rows of N words: out row r = x row (r / inner) * stride + off + r % inner.
// Selects a ciphertext part, a limb of every polynomial, or the leading limbs of a key.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  inner: u32,
  stride: u32,
  off: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let src = (r / p.inner) * p.stride + p.off + r % p.inner;
  out[i] = x[(src << p.log_n) + (i & ((1u << p.log_n) - 1u))];
}
