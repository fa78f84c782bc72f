// The first-order baselines of the K-BFGS authors' code (Goldfarb et al. 2020,
// first_order_methods.py; our spec §7), needs shaders/optim/hyper.wgsl first. All three work on
// the momentum gradient D — an EMA, not PyTorch's heavy-ball sum — of the gradient plus τ·w:
//   D ← ρD + (1 − ρ)(grad + τw)
//   MODE_SGD, SGD-momentum:  w ← w − lr·D
//   MODE_ADAM, Adam:         v ← β₂v + (1 − β₂)D²;  w ← w − lr·(D/c₁) / (sqrt(v/c₂) + ε)
//   MODE_RMSPROP, RMSprop:   v ← β₂v + (1 − β₂)D²;  w ← w − lr·D / (sqrt(v) + ε)
// with c₁ = 1 − ρᵗ, c₂ = 1 − β₂ᵗ from the hyper block. The quirks are the authors': v averages
// the square of D (not of the raw gradient), and β₂ = 0.9 in their runs.
// Entry `warm` adds scale·(grad + τw)² to v (RMSprop's warm start over one pass of the data).
// The mode codes come from src/kernels/optim/authors-first-order.ts, concatenated before this
// source; an unknown mode writes NaN into the parameter.

override MODE: u32;

struct Params {
  n: u32,
  rho: f32,
  one_minus_rho: f32,
  beta2: f32,
  one_minus_beta2: f32,
  eps: f32,
  tau: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentum: array<f32>;
@group(0) @binding(3) var<storage, read_write> second: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: Hyper;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) {
    return;
  }
  let w = param[i];
  let d = p.rho * momentum[i] + p.one_minus_rho * (grad[i] + p.tau * w);
  momentum[i] = d;
  switch MODE {
    case MODE_SGD: { param[i] = w - hyper.lr * d; }
    case MODE_ADAM: {
      let v = second_moment(i, d);
      param[i] = w - hyper.lr * (d / hyper.debias.x) / (sqrt(v / hyper.debias.y) + p.eps);
    }
    case MODE_RMSPROP: { param[i] = w - hyper.lr * d / (sqrt(second_moment(i, d)) + p.eps); }
    default: { param[i] = poison(); }
  }
}

// v ← β₂v + (1 − β₂)D², stored, and returned.
fn second_moment(i: u32, d: f32) -> f32 {
  let v = p.beta2 * second[i] + p.one_minus_beta2 * d * d;
  second[i] = v;
  return v;
}

struct WarmParams {
  n: u32,
  tau: f32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> wparam: array<f32>;
@group(0) @binding(1) var<storage, read> wgrad: array<f32>;
@group(0) @binding(2) var<storage, read_write> wsecond: array<f32>;
@group(0) @binding(3) var<uniform> wp: WarmParams;

@compute @workgroup_size(256)
fn warm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= wp.n) {
    return;
  }
  let g = wgrad[i] + wp.tau * wparam[i];
  wsecond[i] = wsecond[i] + wp.scale * g * g;
}
