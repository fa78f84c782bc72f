// out = x broadcast to out's shape: a copy through stride-0 dimensions (needs
// broadcast-index.wgsl). Elements move as u32 bits, so any 32-bit dtype broadcasts unchanged.
// One thread per output.

override WG: u32 = 256u;

struct Params {
  n: u32,
  shape_hi: vec4<u32>,
  shape_lo: vec4<u32>,
  x_strides_hi: vec4<u32>,
  x_strides_lo: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  out[i] = x[offset8(unravel8(i, p.shape_hi, p.shape_lo), p.x_strides_hi, p.x_strides_lo)];
}
