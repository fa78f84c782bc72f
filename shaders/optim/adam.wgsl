// Adam / AdamW update with PyTorch's semantics (needs hyper.wgsl first), in place, one thread
// per element, at step t (already advanced) with c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ from the hyper block:
//   Adam (L2):         g = grad + weight_decay·w
//   AdamW (DECOUPLED): w = w·(1 − lr·weight_decay)
//   m = β₁m + (1 − β₁)g;   v = β₂v + (1 − β₂)g²
//   w = w − (lr/c₁)·m / (sqrt(v)/sqrt(c₂) + eps)

override DECOUPLED: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  n: u32,
  beta1: f32,
  beta2: f32,
  // 1 − β₁ and 1 − β₂ from float64 on the CPU, as PyTorch passes them: 1.0 − beta2 in f32 would
  // be off by 1.3e-5 relative for β₂ = 0.999, against the bias correction's exact 1 − β₂.
  decay1: f32,
  decay2: f32,
  eps: f32,
  weight_decay: f32,
  fault_site: u32, // filled in by the executor; a non-finite new weight raises a fault
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg_sq: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: Hyper;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let lr = hyper.lr;
  var w = param[i];
  var g = grad[i];
  if (DECOUPLED != 0u) {
    w = w * (1.0 - lr * p.weight_decay);
  } else {
    g = g + p.weight_decay * w;
  }
  let m = p.beta1 * exp_avg[i] + p.decay1 * g;
  let v = p.beta2 * exp_avg_sq[i] + p.decay2 * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  let denom = sqrt(v) / sqrt(hyper.debias.y) + p.eps;
  let updated = w - (lr / hyper.debias.x) * m / denom;
  check_finite_update(p.fault_site, updated);
  param[i] = updated;
}
