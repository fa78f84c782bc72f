// Second pass of a split-K GEMM: c[b] = act(Σ_s partial[b·splits + s] + bias), one thread per
// output element, the slices added in order (deterministic). Concatenated after common.wgsl;
// the first pass is any GEMM kernel dispatched with splits > 1, no bias and no activation.

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  let size = p.m * p.n;
  if (t >= size) {
    return;
  }
  let batch = gid.z;
  var acc = 0.0;
  for (var s = 0u; s < p.splits; s++) {
    acc += partial[(batch * p.splits + s) * size + t];
  }
  if (HAS_BIAS) {
    acc += bias[t % p.n];
  }
  c[batch * size + t] = activate(vec4(acc)).x;
}
