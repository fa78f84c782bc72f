// GEMM operands as vec4 arrays, for shapes whose stored rows (and N) are multiples of 4: every
// group of four is then one aligned 16-byte access, in or out of the matrix as a whole.
// Same functions as io-scalar.wgsl; `col` is always a multiple of 4 here.

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> p: Params;
// The activation output for GRAD_ACT, stored like the operand it scales (else a stand-in).
@group(0) @binding(5) var<storage, read> y: array<vec4<f32>>;

fn load_a4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_a(p);
  if (row < d.x && col < d.y) {
    let at = (batch * p.a_batch + row * d.y + col) / 4u;
    if (GRAD_ACT != ACT_NONE && !GRAD_ON_B) {
      return through_activation(a[at], y[at]);
    }
    return a[at];
  }
  return vec4(0.0);
}

fn load_b4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_b(p);
  if (row < d.x && col < d.y) {
    let at = (batch * p.b_batch + row * d.y + col) / 4u;
    if (GRAD_ACT != ACT_NONE && GRAD_ON_B) {
      return through_activation(b[at], y[at]);
    }
    return b[at];
  }
  return vec4(0.0);
}

fn load_bias4(col: u32) -> vec4<f32> {
  if (col < p.n) {
    return bias[col / 4u];
  }
  return vec4(0.0);
}

fn store_c4(batch: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row < p.m && col < p.n) {
    c[((batch * p.m + row) * p.n + col) / 4u] = v;
  }
}
