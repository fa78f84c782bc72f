// out = op(x, s) elementwise, where s is a scalar uniform some ops use; `grad` is the backward
// pass, dx = g · op'(x) from x, the forward output y and g in one dispatch. One thread per
// element. The op codes (OP_NEG ...) come from src/kernels/elementwise/unary.ts, concatenated
// before this source; an unknown code writes NaN. Needs shaders/common/nan.wgsl first: relu
// passes NaN through.

override OP: u32;
override WG: u32 = 256u;

struct Params {
  n: u32,
  s: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
// Backward only: the output gradient and the forward output.
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> y: array<f32>;

fn apply(v: f32, s: f32) -> f32 {
  switch OP {
    case OP_NEG: { return -v; }
    case OP_EXP: { return exp(v); }
    case OP_LOG: { return log(v); }
    case OP_SQRT: { return sqrt(v); }
    case OP_ABS: { return abs(v); }
    case OP_RELU: { return relu_nan(v); }
    case OP_TANH: { return tanh(v); }
    // Written to stay finite for large |v| of either sign.
    case OP_SIGMOID: { return select(exp(v) / (1.0 + exp(v)), 1.0 / (1.0 + exp(-v)), v >= 0.0); }
    case OP_SQUARE: { return v * v; }
    case OP_RECIPROCAL: { return 1.0 / v; }
    case OP_ADD_SCALAR: { return v + s; }
    case OP_MUL_SCALAR: { return v * s; }
    case OP_POW_SCALAR: { return pow(v, s); }
    case OP_SIGN: { return sign(v); }
    case OP_GREATER_SCALAR: { return select(0.0, 1.0, v > s); }
    case OP_RSUB_SCALAR: { return s - v; }
    default: { return poison(); }
  }
}

// d out / d x · dy for input v and output w. sign and greaterScalar are piecewise constant:
// no gradient is dispatched for them, so they have no case here.
fn derivative(v: f32, w: f32, dy: f32, s: f32) -> f32 {
  switch OP {
    case OP_NEG, OP_RSUB_SCALAR: { return -dy; }
    case OP_EXP: { return dy * w; }
    case OP_LOG: { return dy / v; }
    case OP_SQRT: { return dy * 0.5 / w; }
    case OP_ABS: { return dy * sign(v); }
    // The gradient passes where the input was positive (as reluGrad in binary.wgsl).
    case OP_RELU: { return select(0.0, dy, v > 0.0); }
    case OP_TANH: { return dy * (1.0 - w * w); }
    case OP_SIGMOID: { return dy * (w * (1.0 - w)); }
    case OP_SQUARE: { return dy * (2.0 * v); }
    case OP_RECIPROCAL: { return -(dy * (w * w)); }
    case OP_ADD_SCALAR: { return dy; }
    case OP_MUL_SCALAR: { return dy * s; }
    case OP_POW_SCALAR: { return dy * (s * pow(v, s - 1.0)); }
    default: { return poison(); }
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

@compute @workgroup_size(WG)
fn grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  out[i] = derivative(x[i], y[i], g[i], p.s);
}
