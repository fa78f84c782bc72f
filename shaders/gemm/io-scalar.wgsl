// GEMM operands as f32 arrays: any shape, four elements read or written one by one with bounds
// checks. The tiled kernel's loads and stores go through load_a4 / load_b4 / load_bias4 /
// store_c4; the naive kernel reads single elements with a_at / b_at.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
// The activation output for GRAD_ACT, stored like the operand it scales (else a stand-in).
@group(0) @binding(5) var<storage, read> y: array<f32>;

// Stored element i of a (of b), through the activation's derivative when GRAD_ACT says so.
fn a_at(i: u32) -> f32 {
  if (GRAD_ACT != ACT_NONE && !GRAD_ON_B) {
    return through_activation(vec4(a[i]), vec4(y[i])).x;
  }
  return a[i];
}

fn b_at(i: u32) -> f32 {
  if (GRAD_ACT != ACT_NONE && GRAD_ON_B) {
    return through_activation(vec4(b[i]), vec4(y[i])).x;
  }
  return b[i];
}

// Stored elements [row, col .. col+3] of a's matrix `batch`, zero outside the matrix.
fn load_a4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_a(p);
  let at = batch * p.a_batch + row * d.y + col;
  var v = vec4(0.0);
  if (row < d.x) {
    if (col + 3u < d.y) {
      v = vec4(a_at(at), a_at(at + 1u), a_at(at + 2u), a_at(at + 3u));
    } else {
      for (var i = 0u; i < 4u && col + i < d.y; i++) {
        v[i] = a_at(at + i);
      }
    }
  }
  return v;
}

fn load_b4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_b(p);
  let at = batch * p.b_batch + row * d.y + col;
  var v = vec4(0.0);
  if (row < d.x) {
    if (col + 3u < d.y) {
      v = vec4(b_at(at), b_at(at + 1u), b_at(at + 2u), b_at(at + 3u));
    } else {
      for (var i = 0u; i < 4u && col + i < d.y; i++) {
        v[i] = b_at(at + i);
      }
    }
  }
  return v;
}

fn load_bias4(col: u32) -> vec4<f32> {
  var v = vec4(0.0);
  for (var i = 0u; i < 4u && col + i < p.n; i++) {
    v[i] = bias[col + i];
  }
  return v;
}

// Writes c[batch][row, col .. col+3], skipping what lies outside the matrix.
fn store_c4(batch: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= p.m) {
    return;
  }
  let at = (batch * p.m + row) * p.n + col;
  for (var i = 0u; i < 4u && col + i < p.n; i++) {
    c[at + i] = v[i];
  }
}
