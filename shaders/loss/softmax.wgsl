// Softmax and log-softmax along one axis of an [outer, len, inner] view (inner = 1 for the
// last axis). Needs row-lse.wgsl before it. One thread per row: no barriers.

// true: softmax, false: log-softmax (src/kernels/loss/softmax.ts sets it for every dispatch).
override SOFTMAX: bool;
override WG: u32 = 64u;

struct Params {
  outer: u32,
  len: u32,
  inner: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

// The first element of row t (rows are numbered outer-major).
fn row_base(t: u32) -> u32 {
  return (t / p.inner) * p.len * p.inner + t % p.inner;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.outer * p.inner) {
    return;
  }
  let base = row_base(t);
  let lse = row_lse(base, p.len, p.inner);
  for (var k = 0u; k < p.len; k++) {
    let i = base + k * p.inner;
    let l = log_softmax_of(x[i], lse);
    out[i] = select(l, exp(l), SOFTMAX);
  }
}

// From x and the output gradient g, with p = softmax(x) recomputed:
//   log-softmax: dx_j = g_j - p_j Σ_k g_k
//   softmax:     dx_j = p_j (g_j - Σ_k g_k p_k)
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.outer * p.inner) {
    return;
  }
  let base = row_base(t);
  let lse = row_lse(base, p.len, p.inner);
  var total = 0.0;
  for (var k = 0u; k < p.len; k++) {
    let i = base + k * p.inner;
    total += select(g[i], g[i] * exp(log_softmax_of(x[i], lse)), SOFTMAX);
  }
  for (var k = 0u; k < p.len; k++) {
    let i = base + k * p.inner;
    let pk = exp(log_softmax_of(x[i], lse));
    dx[i] = select(g[i] - pk * total, pk * (g[i] - total), SOFTMAX);
  }
}
