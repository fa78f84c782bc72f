// Batch normalisation over x viewed as [N, C, S] (S = H*W, or 1 for [N, C] inputs), f32.
// Per-channel reductions run one workgroup per channel (a strided loop, then a tree in
// workgroup memory: log2(WG) barriers, cheap next to the loop on every GPU including
// lavapipe); elementwise kernels run one thread per element.
//
// Statistics come either packed in one [2, C] tensor (batch mean row, then biased variance
// row; var_base = C) or as two separate [C] tensors (running mean and variance; var_base = 0).

override WG: u32 = 128u;              // a power of two (the tree halves it)
override GRAD_GAMMA: bool;           // grad_sum: sum of g * x_hat (gamma), else sum of g (beta)
override BATCH_STATS: bool = true;    // grad_x: statistics from this batch (training) or fixed (eval)

struct Params {
  n: u32,
  c: u32,
  s: u32,
  var_base: u32,
  eps: f32,
  momentum: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> stat_mean: array<f32>;
@group(0) @binding(3) var<storage, read> stat_var: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> beta: array<f32>;
@group(0) @binding(6) var<storage, read> dgamma: array<f32>;
@group(0) @binding(7) var<storage, read> dbeta: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;
@group(0) @binding(9) var<storage, read_write> run_mean: array<f32>;
@group(0) @binding(10) var<storage, read_write> run_var: array<f32>;
@group(0) @binding(11) var<uniform> p: Params;

var<workgroup> partial: array<f32, WG>;

// Flat index of the j-th element (of N*S) of channel c.
fn at(c: u32, j: u32) -> u32 {
  return ((j / p.s) * p.c + c) * p.s + j % p.s;
}

// Sum of v over the workgroup, returned to every invocation.
fn workgroup_sum(v: f32, lid: u32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier(); // partial is reused by the next call
  return total;
}

fn inv_std(c: u32) -> f32 {
  return inverseSqrt(stat_var[p.var_base + c] + p.eps);
}

fn element_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// out[c] = batch mean, out[C + c] = biased batch variance. Two passes over the channel
// (mean, then squared deviations): no cancellation when |mean| >> std.
@compute @workgroup_size(WG)
fn stats(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let m = p.n * p.s;
  var acc = 0.0;
  for (var j = lid; j < m; j += WG) {
    acc += x[at(c, j)];
  }
  let mean = workgroup_sum(acc, lid) / f32(m);
  var sq = 0.0;
  for (var j = lid; j < m; j += WG) {
    let d = x[at(c, j)] - mean;
    sq += d * d;
  }
  let variance = workgroup_sum(sq, lid) / f32(m);
  if (lid == 0u) {
    out[c] = mean;
    out[p.c + c] = variance;
  }
}

@compute @workgroup_size(WG)
fn normalize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = element_index(gid, nwg);
  if (t >= p.n * p.c * p.s) {
    return;
  }
  let c = (t / p.s) % p.c;
  out[t] = (x[t] - stat_mean[c]) * inv_std(c) * gamma[c] + beta[c];
}

// out[c] = dbeta[c] = sum g, or dgamma[c] = sum g * x_hat.
@compute @workgroup_size(WG)
fn grad_sum(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let m = p.n * p.s;
  let mean = stat_mean[c];
  var acc = 0.0;
  for (var j = lid; j < m; j += WG) {
    let i = at(c, j);
    if (GRAD_GAMMA) {
      acc += g[i] * (x[i] - mean);
    } else {
      acc += g[i];
    }
  }
  let total = workgroup_sum(acc, lid);
  if (lid == 0u) {
    out[c] = select(total, total * inv_std(c), GRAD_GAMMA);
  }
}

// dx. With batch statistics the mean and variance depend on x too, which gives
// dx = gamma * inv_std * (g - (dbeta + x_hat * dgamma) / M); with fixed statistics
// dx = gamma * inv_std * g.
@compute @workgroup_size(WG)
fn grad_x(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = element_index(gid, nwg);
  if (t >= p.n * p.c * p.s) {
    return;
  }
  let c = (t / p.s) % p.c;
  let inv = inv_std(c);
  var d = g[t];
  if (BATCH_STATS) {
    let x_hat = (x[t] - stat_mean[c]) * inv;
    d -= (dbeta[c] + x_hat * dgamma[c]) / f32(p.n * p.s);
  }
  out[t] = gamma[c] * inv * d;
}

// running = (1 - momentum) * running + momentum * batch, with the unbiased batch variance
// (times M / (M - 1)) going into the running variance, as PyTorch does.
@compute @workgroup_size(WG)
fn update_running(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= p.c) {
    return;
  }
  let m = f32(p.n * p.s);
  run_mean[c] = mix(run_mean[c], stat_mean[c], p.momentum);
  run_var[c] = mix(run_var[c], stat_var[p.var_base + c] * m / (m - 1.0), p.momentum);
}
