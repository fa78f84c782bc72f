// Data-dependent centering bias (Shao et al. 2020, from the authors' code), on x [N, C]:
//   y = x + s·p − mu
// mu is the running average of the batch means over the first T0 training batches and is frozen
// afterwards; s is the damping (0.01) during those T0 batches and 1 after. The batch mean is
// statistics, not a function being trained through: no gradient flows into it.
//
// `state` snapshots (mu after folding in this batch, s) into a [2, C] tensor before anything is
// updated, so the forward value, p's gradient and the committed mean all agree within a step,
// eagerly and in a compiled plan (where `commit` runs after the backward pass).

override WG: u32 = 256u;   // ELEMENTWISE_WG: the commit effect is launched on that grid
override UPDATE: bool = true;   // state: training mode (fold this batch's mean in while count < T0)

struct Params {
  n: u32,          // rows
  c: u32,          // channels
  t0: u32,         // warm-up batches
  damping: f32,    // s while count < T0
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mu_in: array<f32>;
@group(0) @binding(2) var<storage, read> count_in: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;
@group(0) @binding(5) var<storage, read> g: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<storage, read_write> mu: array<f32>;
@group(0) @binding(8) var<storage, read_write> count: array<u32>;
@group(0) @binding(9) var<uniform> p: Params;

fn flat(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// out[c] = mu to use this step, out[C + c] = s. One thread per channel; the row loop reads
// neighbouring channels from neighbouring threads.
@compute @workgroup_size(WG)
fn snapshot(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = flat(gid, nwg);
  if (c >= p.c) {
    return;
  }
  let k = count_in[0];
  var m = mu_in[c];
  if (UPDATE && k < p.t0) {
    var acc = 0.0;
    for (var i = 0u; i < p.n; i++) {
      acc += x[i * p.c + c];
    }
    m += (acc / f32(p.n) - m) / f32(k + 1u);
  }
  out[c] = m;
  out[p.c + c] = select(1.0, p.damping, k < p.t0);
}

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = flat(gid, nwg);
  if (t >= p.n * p.c) {
    return;
  }
  let c = t % p.c;
  out[t] = x[t] + state[p.c + c] * bias[c] - state[c];
}

// d p[c] = s · Σ_rows g[:, c]; one thread per channel.
@compute @workgroup_size(WG)
fn bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = flat(gid, nwg);
  if (c >= p.c) {
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < p.n; i++) {
    acc += g[i * p.c + c];
  }
  out[c] = state[p.c + c] * acc;
}

// mu = the snapshot's mean; the count advances until it reaches T0 and then stays (frozen).
// Only thread 0 touches the count, and no thread reads it here.
@compute @workgroup_size(WG)
fn commit(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = flat(gid, nwg);
  if (c >= p.c) {
    return;
  }
  mu[c] = state[c];
  if (c == 0u && count[0] < p.t0) {
    count[0] += 1u;
  }
}
