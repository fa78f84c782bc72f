// Shared by every GEMM kernel: c[b] = act(op(a[b]) · op(b[b]) + bias) with op(x) = xᵀ when the
// TRANS_ flag is set. Shapes live in uniforms, so one pipeline serves every size and batch.
// Backward GEMMs may also read one operand through an activation's derivative (GRAD_ACT): that
// operand is an output gradient g, used as g ⊙ act'(y) with y (the activation's output, stored
// like the operand) read at the same index, so the gradient through the activation is never
// written to memory by a dispatch of its own.

override TRANS_A: bool = false; // a is stored [K, M] (else [M, K])
override TRANS_B: bool = false; // b is stored [N, K] (else [K, N])
override HAS_BIAS: bool = false; // add bias[n] to every row of c
// Activation codes ACT_NONE ... come from src/kernels/gemm/kernels.ts, concatenated first.
override ACT: u32;
override GRAD_ACT: u32 = ACT_NONE; // the activation whose derivative scales an operand
override GRAD_ON_B: bool = false; // that operand is b (else a)

struct Params {
  m: u32,
  n: u32,
  k: u32,
  a_batch: u32, // elements between consecutive matrices of a
  b_batch: u32, // 0 broadcasts one b over the batch
  // Split-K: a dispatch's z index runs over batch × splits; slice s of a matrix sums the k in
  // [s·k_slice, min((s + 1)·k_slice, k)) and writes its partial c to matrix z = batch·splits + s
  // of a scratch buffer, which split-k-sum.wgsl adds up. splits = 1 (k_slice ≥ k) is a plain GEMM.
  splits: u32,
  k_slice: u32, // a multiple of 16, so slices start on a vec4 and on a tiled.wgsl TK step
}

// The k a dispatch's z index sums over: [x, y).
fn k_range(p: Params, z: u32) -> vec2<u32> {
  let k0 = (z % p.splits) * p.k_slice;
  return vec2(k0, min(p.k, k0 + p.k_slice));
}

// Stored [rows, cols] of a and b.
fn dims_a(p: Params) -> vec2<u32> {
  return select(vec2(p.m, p.k), vec2(p.k, p.m), TRANS_A);
}
fn dims_b(p: Params) -> vec2<u32> {
  return select(vec2(p.k, p.n), vec2(p.n, p.k), TRANS_B);
}

fn activate(v: vec4<f32>) -> vec4<f32> {
  switch ACT {
    case ACT_NONE: { return v; }
    case ACT_RELU: { return relu_nan4(v); } // NaN passes through (nan.wgsl comes first)
    case ACT_TANH: { return tanh(v); }
    // Written to stay finite for large |v| of either sign.
    case ACT_SIGMOID: { return select(exp(v) / (1.0 + exp(v)), 1.0 / (1.0 + exp(-v)), v >= vec4(0.0)); }
    default: { return vec4(poison()); }
  }
}

// g ⊙ act'(y) for the GRAD_ACT activation, written from its output y as the unfused ops did
// (reluGrad's select, g·(1 − y²), g·(y·(1 − y))), so fused and unfused gradients agree.
fn through_activation(g: vec4<f32>, y: vec4<f32>) -> vec4<f32> {
  switch GRAD_ACT {
    case ACT_NONE: { return g; }
    case ACT_RELU: { return select(vec4(0.0), g, y > vec4(0.0)); }
    case ACT_TANH: { return g * (1.0 - y * y); }
    case ACT_SIGMOID: { return g * (y * (1.0 - y)); }
    default: { return vec4(poison()); }
  }
}
