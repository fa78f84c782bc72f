// RMSprop update with PyTorch's semantics (not centered; needs hyper.wgsl first), in place,
// one thread per element:
//   g = grad + weight_decay·w
//   s = α·s + (1 − α)g²;   d = g / (sqrt(s) + eps)
//   momentum:  buf = momentum·buf + d;  w = w − lr·buf       else  w = w − lr·d
// Entry `plain` has no momentum buffer; `momentum` has one.

override WG: u32 = 256u;

struct Params {
  n: u32,
  alpha: f32,
  eps: f32,
  momentum: f32,
  weight_decay: f32,
  fault_site: u32, // filled in by the executor; a non-finite new weight raises a fault
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> square_avg: array<f32>;
@group(0) @binding(3) var<storage, read_write> momentum_buffer: array<f32>;
@group(0) @binding(4) var<storage, read> hyper: Hyper;
@group(0) @binding(5) var<uniform> p: Params;

// The scaled gradient d; updates square_avg[i].
fn direction(i: u32, w: f32) -> f32 {
  let g = grad[i] + p.weight_decay * w;
  let s = p.alpha * square_avg[i] + (1.0 - p.alpha) * g * g;
  square_avg[i] = s;
  return g / (sqrt(s) + p.eps);
}

fn store(i: u32, w: f32) {
  check_finite_update(p.fault_site, w);
  param[i] = w;
}

@compute @workgroup_size(WG)
fn plain(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let w = param[i];
  store(i, w - hyper.lr * direction(i, w));
}

@compute @workgroup_size(WG)
fn momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let w = param[i];
  let buf = p.momentum * momentum_buffer[i] + direction(i, w);
  momentum_buffer[i] = buf;
  store(i, w - hyper.lr * buf);
}
