// out = op(a, b) with broadcasting (needs common/nan.wgsl and shape/broadcast-index.wgsl). One
// thread per output.
// The op codes (OP_ADD ...) come from src/kernels/elementwise/binary.ts, concatenated before this
// source; an unknown code writes NaN.

override OP: u32;
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
    case OP_ADD: { return x + y; }
    case OP_SUB: { return x - y; }
    case OP_MUL: { return x * y; }
    case OP_DIV: { return x / y; }
    // NaN in either operand gives NaN (nan.wgsl), as in PyTorch.
    case OP_MAXIMUM: { return max_nan(x, y); }
    case OP_MINIMUM: { return min_nan(x, y); }
    case OP_POW: { return pow(x, y); }
    // relu'(x) * g: the gradient passes where the forward input was positive.
    case OP_RELU_GRAD: { return select(0.0, y, x > 0.0); }
    // 1 where x > y else 0 (masks for max/min gradients and comparisons).
    case OP_GREATER: { return select(0.0, 1.0, x > y); }
    case OP_EQUAL: { return select(0.0, 1.0, x == y); }
    default: { return poison(); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let idx = unravel8(i, p.shape_hi, p.shape_lo);
  out[i] = combine(a[offset8(idx, p.a_strides_hi, p.a_strides_lo)], b[offset8(idx, p.b_strides_hi, p.b_strides_lo)]);
}
