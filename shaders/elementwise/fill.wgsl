// out[i] = value: constant tensors made on the GPU, so they can live inside a compiled plan.

override WG: u32 = 256u;

struct Params {
  n: u32,
  value: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) {
    out[i] = p.value;
  }
}
