// out = op(x, s) elementwise, where s is a scalar uniform some ops use. One thread per element.
// Needs shaders/common/nan.wgsl first: relu passes NaN through.

override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  n: u32,
  s: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn apply(v: f32, s: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return abs(v); }
    case 5u: { return relu_nan(v); }
    case 6u: { return tanh(v); }
    // Written to stay finite for large |v| of either sign.
    case 7u: { return select(exp(v) / (1.0 + exp(v)), 1.0 / (1.0 + exp(-v)), v >= 0.0); }
    case 8u: { return v * v; }
    case 9u: { return 1.0 / v; }
    case 10u: { return v + s; }
    case 11u: { return v * s; }
    case 12u: { return pow(v, s); }
    case 13u: { return sign(v); }
    case 14u: { return select(0.0, 1.0, v > s); }
    default: { return s - v; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  out[i] = apply(x[i], p.s);
}
