// Split-K stage 2: out[e] = Σ_s partials[s, e] over `splits` rows of `total` values each (the
// partial sums stage 1 wrote, one row per chunk of the reduction). One thread per output,
// reading a column: neighbouring threads read neighbouring values.

override WG: u32 = 256u;

struct Splits {
  total: u32,
  splits: u32,
}

@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Splits;

@compute @workgroup_size(WG)
fn sum_splits(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.total) {
    return;
  }
  var acc = 0.0;
  for (var s = 0u; s < p.splits; s++) {
    acc += partials[s * p.total + e];
  }
  out[e] = acc;
}
