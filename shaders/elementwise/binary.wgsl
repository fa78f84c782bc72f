// out = op(a, b) with broadcasting. Shapes are collapsed on the CPU to at most 8 dims (two
// vec4 halves, outermost first); a broadcast dimension has stride 0. One thread per output.

override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  n: u32,
  shape_hi: vec4<u32>,
  shape_lo: vec4<u32>,
  a_strides_hi: vec4<u32>,
  a_strides_lo: vec4<u32>,
  b_strides_hi: vec4<u32>,
  b_strides_lo: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    // NaN in either operand gives NaN (nan.wgsl, which comes first), as in PyTorch.
    case 4u: { return max_nan(x, y); }
    case 5u: { return min_nan(x, y); }
    case 6u: { return pow(x, y); }
    // relu'(x) * g: the gradient passes where the forward input was positive.
    case 7u: { return select(0.0, y, x > 0.0); }
    // 1 where x > y else 0 (masks for max/min gradients and comparisons).
    case 8u: { return select(0.0, 1.0, x > y); }
    // 1 where x == y else 0.
    default: { return select(0.0, 1.0, x == y); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  // Unravel the flat index, innermost dimension last.
  var r = i;
  var lo: vec4<u32>;
  var hi: vec4<u32>;
  for (var d = 3; d >= 0; d--) {
    lo[d] = r % p.shape_lo[d];
    r = r / p.shape_lo[d];
  }
  for (var d = 3; d >= 0; d--) {
    hi[d] = r % p.shape_hi[d];
    r = r / p.shape_hi[d];
  }
  let ia = dot(hi, p.a_strides_hi) + dot(lo, p.a_strides_lo);
  let ib = dot(hi, p.b_strides_hi) + dot(lo, p.b_strides_lo);
  out[i] = combine(a[ia], b[ib]);
}
