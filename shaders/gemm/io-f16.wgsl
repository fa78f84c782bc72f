// GEMM operands stored as IEEE binary16 (needs `enable f16;`, the adapter's shader-f16): a and
// b are read as f16 and widened to f32, so every product is exact in f32 (11-bit significands)
// and the sum accumulates in f32; bias and c stay f32. Any shape: the same bounds-checked
// element loads as io-scalar.wgsl. No GRAD_ACT here: f16 GEMMs are forward-only (matmul.ts).

@group(0) @binding(0) var<storage, read> a: array<f16>;
@group(0) @binding(1) var<storage, read> b: array<f16>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn a_at(i: u32) -> f32 {
  return f32(a[i]);
}

fn b_at(i: u32) -> f32 {
  return f32(b[i]);
}

// Stored elements [row, col .. col+3] of a's matrix `batch`, zero outside the matrix.
fn load_a4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_a(p);
  let at = batch * p.a_batch + row * d.y + col;
  var v = vec4(0.0);
  if (row < d.x) {
    for (var i = 0u; i < 4u && col + i < d.y; i++) {
      v[i] = a_at(at + i);
    }
  }
  return v;
}

fn load_b4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_b(p);
  let at = batch * p.b_batch + row * d.y + col;
  var v = vec4(0.0);
  if (row < d.x) {
    for (var i = 0u; i < 4u && col + i < d.y; i++) {
      v[i] = b_at(at + i);
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

fn store_c4(batch: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= p.m) {
    return;
  }
  let at = (batch * p.m + row) * p.n + col;
  for (var i = 0u; i < 4u && col + i < p.n; i++) {
    c[at + i] = v[i];
  }
}
