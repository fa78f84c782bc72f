// The two ends of a Kronecker-factored step for one linear layer with weight w [rows, in] and
// an optional bias b [rows], whose parameters form Wb = [w | b] ([rows, cols], cols = in + 1
// with a bias, else in).
//
// momentum: the gradient the direction uses (Goldfarb et al. 2020, training_function.py):
//   D ← ρ·D + (1 − ρ)·(∇Wb + τ·Wb), D packed as [rows, cols] like Wb. One thread per element.
// step: Wb ← Wb − lr·P, P [rows, cols] = H^g·D·H^a (so the step is lr times the direction
//   −H^g·D·H^a), unpacked back into w and b. One thread per element.

override HAS_BIAS: bool = true;

struct Params {
  rows: u32,
  cols: u32,
  rho: f32,
  // 1 − ρ from float64 on the CPU.
  one_minus_rho: f32,
  tau: f32,
}

struct StepParams {
  rows: u32,
  cols: u32,
  lr: f32,
}

@group(0) @binding(0) var<storage, read_write> d: array<f32>;
@group(0) @binding(1) var<storage, read> gw: array<f32>;
@group(0) @binding(2) var<storage, read> gb: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> b: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

fn weight_cols() -> u32 {
  return select(p.cols, p.cols - 1u, HAS_BIAS);
}

@compute @workgroup_size(256)
fn momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * 256u;
  if (e >= p.rows * p.cols) {
    return;
  }
  let i = e / p.cols;
  let j = e % p.cols;
  let in = weight_cols();
  var grad: f32;
  var value: f32;
  if (j < in) {
    grad = gw[i * in + j];
    value = w[i * in + j];
  } else {
    grad = gb[i];
    value = b[i];
  }
  d[e] = p.rho * d[e] + p.one_minus_rho * (grad + p.tau * value);
}

@group(0) @binding(0) var<storage, read> dir: array<f32>;
@group(0) @binding(1) var<storage, read_write> wu: array<f32>;
@group(0) @binding(2) var<storage, read_write> bu: array<f32>;
@group(0) @binding(3) var<uniform> sp: StepParams;

@compute @workgroup_size(256)
fn step(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * 256u;
  if (e >= sp.rows * sp.cols) {
    return;
  }
  let i = e / sp.cols;
  let j = e % sp.cols;
  let in = select(sp.cols, sp.cols - 1u, HAS_BIAS);
  let v = sp.lr * dir[e];
  if (j < in) {
    wu[i * in + j] = wu[i * in + j] - v;
  } else {
    bu[i] = bu[i] - v;
  }
}
