// Conversions between f32 and IEEE binary16 storage (needs the adapter's shader-f16 feature).
// WGSL's f32 -> f16 conversion rounds to nearest even, as IEEE 754 asks.
enable f16;

override WG: u32 = 256u;

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> src32: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst16: array<f16>;
@group(0) @binding(2) var<storage, read> src16: array<f16>;
@group(0) @binding(3) var<storage, read_write> dst32: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn to_f16(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) {
    dst16[i] = f16(src32[i]);
  }
}

@compute @workgroup_size(WG)
fn to_f32(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) {
    dst32[i] = f32(src16[i]);
  }
}
