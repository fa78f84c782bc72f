// Generalized cross entropy (Zhang & Sabuncu 2018) over rows of logits [rows, cols] with u32
// labels [rows]. Needs row-lse.wgsl and shaders/common/{nan,faults}.wgsl before it. One thread
// per row, as cross-entropy.wgsl.
//
// With p = softmax(x[r])[y] and L_q(p) = (1 − p^q) / q, row r's term is
//     v_r · (L_q(p) − offset)
// where p^q = exp(q · log p) comes from the log-softmax (p → 0 stays finite) and
// L_q = −expm1(q · log p) / q keeps its accuracy as q → 0 (where L_q → −log p).
//   forward / backward:                     v_r = 1 (TRUNCATE 0), or v_r = [p > k] (TRUNCATE 1:
//                                           truncated L_q, whose gradient vanishes where p <= k)
//   forward_weighted / backward_weighted:   v_r = weights[r] (truncated L_q with fixed v)
//   keep:                                   v_r = [p > k], the closed-form weight update
// The TypeScript passes offset = L_q(k) for the truncated forms (0 otherwise), computed in f64.
// Gradient per row: d term / d x[r, j] = v_r · p^q · (softmax(x[r])[j] − [j == y]).
//
// A label outside [0, cols) raises a label fault, as in cross-entropy.wgsl (never an
// out-of-bounds read): that row's loss is a quiet NaN, its gradient and keep flag are zero.

override WG: u32 = 64u;
override TRUNCATE: u32 = 0u;

struct Params {
  rows: u32,
  cols: u32,
  q: f32,
  log_k: f32,
  offset: f32,
  fault_site: u32, // filled in by the executor (faults.wgsl)
}

struct GradParams {
  rows: u32,
  cols: u32,
  // The output gradient for row r is g[r * g_stride] * scale (see reduction.ts).
  g_stride: u32,
  scale: f32,
  q: f32,
  log_k: f32,
  fault_site: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
@group(0) @binding(5) var<storage, read> g: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<uniform> gp: GradParams;
@group(0) @binding(8) var<storage, read_write> keep_out: array<f32>;

fn bad_label(y: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | y);
}

// e^t − 1 without cancellation (WGSL has no expm1): Taylor to t^6 for |t| < 1/8 (truncation
// below 1e-9 relative), exp(t) − 1 beyond (a few ulp of e^t over e^t − 1 >= 0.11: ~1e-6).
fn expm1_f32(t: f32) -> f32 {
  if (abs(t) < 0.125) {
    return t * (1.0 + t * (0.5 + t * (1.0 / 6.0 + t * (1.0 / 24.0 + t * (1.0 / 120.0 + t / 720.0)))));
  }
  return exp(t) - 1.0;
}

// L_q from log p.
fn lq(log_p: f32, q: f32) -> f32 {
  return -expm1_f32(q * log_p) / q;
}

// 1 where p > k, i.e. log p > log k; 0 elsewhere.
fn kept(log_p: f32, log_k: f32) -> f32 {
  return select(0.0, 1.0, log_p > log_k);
}

fn on_the_fly_weight(log_p: f32, log_k: f32) -> f32 {
  return select(1.0, kept(log_p, log_k), TRUNCATE == 1u);
}

fn row_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// log softmax(x[r])[y] for a valid label y.
fn label_log_prob(r: u32, y: u32, cols: u32) -> f32 {
  let base = r * cols;
  return log_softmax_of(x[base + y], row_lse(base, cols, 1u));
}

fn write_loss(r: u32, log_p: f32, v: f32) {
  loss[r] = v * (lq(log_p, p.q) - p.offset);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_index(gid, nwg);
  if (r >= p.rows) {
    return;
  }
  let y = labels[r];
  if (y >= p.cols) {
    fault_label(p.fault_site, y, p.cols);
    loss[r] = bad_label(y);
    return;
  }
  let log_p = label_log_prob(r, y, p.cols);
  write_loss(r, log_p, on_the_fly_weight(log_p, p.log_k));
}

@compute @workgroup_size(WG)
fn forward_weighted(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_index(gid, nwg);
  if (r >= p.rows) {
    return;
  }
  let y = labels[r];
  if (y >= p.cols) {
    fault_label(p.fault_site, y, p.cols);
    loss[r] = bad_label(y);
    return;
  }
  write_loss(r, label_log_prob(r, y, p.cols), weights[r]);
}

@compute @workgroup_size(WG)
fn keep(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_index(gid, nwg);
  if (r >= p.rows) {
    return;
  }
  let y = labels[r];
  if (y >= p.cols) {
    fault_label(p.fault_site, y, p.cols);
    keep_out[r] = 0.0;
    return;
  }
  keep_out[r] = kept(label_log_prob(r, y, p.cols), p.log_k);
}

// dx[r, :] = (softmax − onehot) · v · p^q · g_r, the softmax recomputed from x; v is the given
// weight, or the on-the-fly one when `given` is false.
fn write_grad(r: u32, v_given: f32, given: bool) {
  let y = labels[r];
  let base = r * gp.cols;
  if (y >= gp.cols) {
    fault_label(gp.fault_site, y, gp.cols);
    for (var j = 0u; j < gp.cols; j++) {
      dx[base + j] = 0.0;
    }
    return;
  }
  let lse = row_lse(base, gp.cols, 1u);
  let log_p = log_softmax_of(x[base + y], lse);
  let v = select(on_the_fly_weight(log_p, gp.log_k), v_given, given);
  let c = v * exp(gp.q * log_p) * g[r * gp.g_stride] * gp.scale;
  for (var j = 0u; j < gp.cols; j++) {
    let pj = exp(log_softmax_of(x[base + j], lse));
    dx[base + j] = (pj - select(0.0, 1.0, j == y)) * c;
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_index(gid, nwg);
  if (r >= gp.rows) {
    return;
  }
  write_grad(r, 1.0, false);
}

@compute @workgroup_size(WG)
fn backward_weighted(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = row_index(gid, nwg);
  if (r >= gp.rows) {
    return;
  }
  write_grad(r, weights[r], true);
}
