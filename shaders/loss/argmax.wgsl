// Row argmax of x [rows, cols] and per-row hits against u32 labels, for accuracy without
// reading logits back. One thread per row. Ties go to the lowest index, as in NumPy; a row
// holding NaN has its first NaN as argmax, as in PyTorch (needs shaders/common/nan.wgsl).

override WG: u32 = 64u;

struct Shape {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> idx: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> hits: array<f32>;
@group(0) @binding(4) var<uniform> shape: Shape;

fn row_argmax(r: u32) -> u32 {
  let base = r * shape.cols;
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < shape.cols; j++) {
    let v = x[base + j];
    if (v > best || (is_nan(v) && !is_nan(best))) {
      best = v;
      at = j;
    }
  }
  return at;
}

@compute @workgroup_size(WG)
fn argmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= shape.rows) {
    return;
  }
  idx[r] = row_argmax(r);
}

// hits[r] = 1 where the row's argmax is its label, else 0 (a label outside [0, cols) never hits).
@compute @workgroup_size(WG)
fn correct(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= shape.rows) {
    return;
  }
  hits[r] = select(0.0, 1.0, row_argmax(r) == labels[r]);
}
