// Fused softmax + cross-entropy over rows of logits [rows, cols] with u32 labels [rows].
// Needs row-lse.wgsl, shaders/linalg/workgroup-sum.wgsl and shaders/common/{nan,faults}.wgsl
// before it. One thread per row: no
// barriers, and each thread reads its row from cache for the max, sum and gradient passes.
// `forward_total` also reduces the batch, in one workgroup, for batches small enough that one
// dispatch beats two (see src/kernels/loss/reduction.ts).
//
// A label outside [0, cols) is never used as an index: it raises a label fault (the host throws
// LabelRangeError), that row's loss is a quiet NaN (built from the label at run time: a constant
// NaN does not compile) and its gradient is zero, so the parameters are not poisoned.
// forward_total also raises a fault when the total is not finite.

override WG: u32 = 64u;

// fault_site is filled in by the executor (faults.wgsl).
struct Shape {
  rows: u32,
  cols: u32,
  fault_site: u32,
}

struct TotalParams {
  rows: u32,
  cols: u32,
  scale: f32, // 1/rows for 'mean', 1 for 'sum'
  fault_site: u32,
}

struct GradParams {
  rows: u32,
  cols: u32,
  // The output gradient for row r is g[r * g_stride] * scale: stride 0 and scale 1/rows
  // for 'mean', stride 0 and scale 1 for 'sum', stride 1 and scale 1 for 'none'.
  g_stride: u32,
  scale: f32,
  fault_site: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<uniform> shape: Shape;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<uniform> gp: GradParams;
@group(0) @binding(7) var<uniform> tp: TotalParams;

fn bad_label(y: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | y);
}

// -log softmax(x[r])[labels[r]]
fn row_loss(r: u32, cols: u32, site: u32) -> f32 {
  let y = labels[r];
  if (y >= cols) {
    fault_label(site, y, cols);
    return bad_label(y);
  }
  let base = r * cols;
  return -log_softmax_of(x[base + y], row_lse(base, cols, 1u));
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r < shape.rows) {
    loss[r] = row_loss(r, shape.cols, shape.fault_site);
  }
}

// loss[0] = scale · Σ_r row_loss(r): each thread sums rows lid, lid + SUM_WG, … in order, then
// a fixed tree adds the threads' sums, so the result is deterministic.
@compute @workgroup_size(SUM_WG)
fn forward_total(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var r = lid; r < tp.rows; r += SUM_WG) {
    acc += row_loss(r, tp.cols, tp.fault_site);
  }
  let total = workgroup_sum4(lid, vec4(acc, 0.0, 0.0, 0.0)).x * tp.scale;
  if (lid == 0u) {
    check_finite_loss(tp.fault_site, total);
    loss[0] = total;
  }
}

// dx[r, j] = (softmax(x[r])[j] - [j == labels[r]]) * g_r, the softmax recomputed from x.
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= gp.rows) {
    return;
  }
  let y = labels[r];
  let base = r * gp.cols;
  if (y >= gp.cols) {
    fault_label(gp.fault_site, y, gp.cols);
    for (var j = 0u; j < gp.cols; j++) {
      dx[base + j] = 0.0;
    }
    return;
  }
  let gr = g[r * gp.g_stride] * gp.scale;
  let lse = row_lse(base, gp.cols, 1u);
  for (var j = 0u; j < gp.cols; j++) {
    let p = exp(log_softmax_of(x[base + j], lse));
    dx[base + j] = (p - select(0.0, 1.0, j == y)) * gr;
  }
}
