// Batch means for K-BFGS (Goldfarb et al. 2020; §4 of our spec).
//
// col_mean: out[j] = scale · mean_b x[b, j] over a [m, cols] row-major batch, one thread per
//   column (neighbouring threads read neighbouring columns: coalesced). With HOMOGENEOUS,
//   out[cols] = 1 (h̄ of a layer's homogeneous input [h; 1]).
// pair: the curvature pair from the means before (a_mean, g_mean) and after (a_new, g_new) the
//   step, s_raw = a_mean − a_new, y_raw = g_mean − g_new, then the authors' pair smoothing
//   s ← keep·s + (1 − keep)·s_raw (likewise y); keep = 0 takes the raw pair. One thread each.

override HOMOGENEOUS: bool = false;

struct MeanParams {
  m: u32,
  cols: u32,
  scale: f32,
}

struct PairParams {
  n: u32,
  keep: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> mp: MeanParams;

@compute @workgroup_size(64)
fn col_mean(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (HOMOGENEOUS && j == mp.cols) {
    out[j] = 1.0;
  }
  if (j >= mp.cols) {
    return;
  }
  var acc = 0.0;
  for (var r = 0u; r < mp.m; r++) {
    acc += x[r * mp.cols + j];
  }
  out[j] = mp.scale * acc / f32(mp.m);
}

@group(0) @binding(0) var<storage, read> a_mean: array<f32>;
@group(0) @binding(1) var<storage, read> g_mean: array<f32>;
@group(0) @binding(2) var<storage, read> a_new: array<f32>;
@group(0) @binding(3) var<storage, read> g_new: array<f32>;
@group(0) @binding(4) var<storage, read_write> s: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> pp: PairParams;

@compute @workgroup_size(64)
fn pair(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= pp.n) {
    return;
  }
  let s_raw = a_mean[j] - a_new[j];
  let y_raw = g_mean[j] - g_new[j];
  if (pp.keep == 0.0) {
    s[j] = s_raw;
    y[j] = y_raw;
  } else {
    s[j] = pp.keep * s[j] + (1.0 - pp.keep) * s_raw;
    y[j] = pp.keep * y[j] + (1.0 - pp.keep) * y_raw;
  }
}
