// Copies one parameter's gradient into its region of the optimizer group's flat gradient buffer
// (`dst` is bound at that region). Compiled plans compute gradients there directly; this runs
// only eagerly, or for a gradient a plan could not place (src/kernels/optim/pack.ts).

override WG: u32 = 256u;

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) {
    dst[i] = src[i];
  }
}
