// The residual sum of a rescaled block (Shao et al. 2020), with the ReLU after it:
//   y = relu(alpha·x + beta·m·f)
// x is the skip path, f the branch output, m a (learnable) scalar multiplier, alpha and beta
// fixed per block. The backward reuses y's sign as the ReLU mask. Needs shaders/common/nan.wgsl
// first: NaN passes the ReLU.

override WG: u32 = 256u;   // a power of two (grad_m's tree halves it)
override GRAD_BRANCH: bool; // grad_input: d f (factor beta·m), else d x (factor alpha)

struct Params {
  n: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> f: array<f32>;
@group(0) @binding(2) var<storage, read> m: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

var<workgroup> partial: array<f32, WG>;

fn flat(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) {
    return;
  }
  out[i] = relu_nan(p.alpha * x[i] + p.beta * m[0] * f[i]);
}

@compute @workgroup_size(WG)
fn grad_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p.n) {
    return;
  }
  let factor = select(p.alpha, p.beta * m[0], GRAD_BRANCH);
  out[i] = select(0.0, factor * g[i], y[i] > 0.0);
}

// d m = beta · Σ g·[y > 0]·f: one workgroup, a strided loop then a tree in workgroup memory.
// The sums here are a block's activations (a few tens of thousands of values), so one
// workgroup is enough; a second pass would be the next step for much larger inputs.
@compute @workgroup_size(WG)
fn grad_m(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = lid; i < p.n; i += WG) {
    acc += select(0.0, g[i] * f[i], y[i] > 0.0);
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[0] = p.beta * partial[0];
  }
}
