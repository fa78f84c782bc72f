// Full-batch gradient descent for a group of S independent networks ("members") trained in one
// compiled step, with per-member step sizes and a stop rule decided on the GPU, so a plan can
// run many steps between read-backs. Per member s (f32 words of `track`):
//   track[4s + 0] active (1 or 0)      track[4s + 1] updates applied
//   track[4s + 2] path length Σ_t lr·‖g_t‖ over all layers jointly
//   track[4s + 3] the loss at step 0
// A step runs: gate (record the loss, stop the member if it reached rel_stop × its first loss,
// is not finite, or t reached tmax), update (one per parameter, scaled by active), advance
// (path length, update count, clock).

override WG: u32 = 256u;   // a power of two (update's tree halves it)

struct Params {
  members: u32,
  n: u32,          // gate: examples per member
  size: u32,       // update: parameter elements per member
  layer: u32,      // update: row of gsq this parameter writes
  layers: u32,     // advance: rows of gsq
  cap: u32,        // gate: steps the history holds
  tmax: u32,       // gate: members stop at this step
  rel_stop: f32,   // gate: stop when loss <= rel_stop × first loss
}

@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> track: array<f32>;
@group(0) @binding(3) var<storage, read_write> clock: array<u32>;
@group(0) @binding(4) var<storage, read_write> history: array<f32>;
@group(0) @binding(5) var<storage, read_write> param: array<f32>;
@group(0) @binding(6) var<storage, read> grad: array<f32>;
@group(0) @binding(7) var<storage, read> lr: array<f32>;
@group(0) @binding(8) var<storage, read_write> gsq: array<f32>;
@group(0) @binding(9) var<uniform> p: Params;

var<workgroup> partial: array<f32, WG>;

// One thread per member: its loss ½·mean (f − y)², then the stop rule.
@compute @workgroup_size(WG)
fn gate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.members) {
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < p.n; i++) {
    let d = f[s * p.n + i] - y[s * p.n + i];
    acc += d * d;
  }
  let loss = 0.5 * acc / f32(p.n);
  let t = clock[0];
  if (t == 0u) {
    track[4u * s + 3u] = loss;
  }
  if (t < p.cap) {
    history[t * p.members + s] = loss;
  }
  // Written so a NaN loss stops the member too.
  let reached = !(loss > p.rel_stop * track[4u * s + 3u]);
  if (reached || t >= p.tmax) {
    track[4u * s] = 0.0;
  }
}

// One workgroup per member: param −= lr·active·grad, and gsq[layer, s] = ‖grad‖².
@compute @workgroup_size(WG)
fn update(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x;
  let step = lr[s] * track[4u * s];
  let base = s * p.size;
  var acc = 0.0;
  for (var i = lid; i < p.size; i += WG) {
    let g = grad[base + i];
    acc += g * g;
    param[base + i] -= step * g;
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
    gsq[p.layer * p.members + s] = partial[0];
  }
}

// One thread per member; thread 0 alone moves the clock (no thread here reads it).
@compute @workgroup_size(WG)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.members) {
    return;
  }
  if (track[4u * s] > 0.0) {
    var sq = 0.0;
    for (var l = 0u; l < p.layers; l++) {
      sq += gsq[l * p.members + s];
    }
    track[4u * s + 1u] += 1.0;
    track[4u * s + 2u] += lr[s] * sqrt(sq);
  }
  if (s == 0u) {
    clock[0] += 1u;
  }
}
