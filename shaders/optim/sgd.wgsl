// SGD update with PyTorch's semantics (needs hyper.wgsl first), in place, one thread per element:
//   g = grad + weight_decay·w
//   momentum:  buf = momentum·buf + g;  g = g + momentum·buf (Nesterov) or buf
//   w = w − lr·g
// PyTorch starts buf at g on the first step; a zero-filled buf gives the same (no dampening).
// Entry `plain` has no momentum buffer; `momentum` has one. A new weight that is not finite
// raises a fault (needs shaders/common/{nan,faults}.wgsl).

override NESTEROV: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  n: u32,
  momentum: f32,
  weight_decay: f32,
  fault_site: u32, // filled in by the executor
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentum_buffer: array<f32>;
@group(0) @binding(3) var<storage, read> hyper: Hyper;
@group(0) @binding(4) var<uniform> p: Params;

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
  store(i, w - hyper.lr * (grad[i] + p.weight_decay * w));
}

@compute @workgroup_size(WG)
fn momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let w = param[i];
  let g = grad[i] + p.weight_decay * w;
  let buf = p.momentum * momentum_buffer[i] + g;
  momentum_buffer[i] = buf;
  store(i, w - hyper.lr * select(buf, g + p.momentum * buf, NESTEROV != 0u));
}
