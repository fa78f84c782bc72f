// f16 operands (as io-f16.wgsl) for shapes whose stored rows and N are multiples of 4: a and b
// as vec4<f16> (8-byte loads); bias and c stay f32 arrays. a_at / b_at read single elements
// too, for the kernels that load one at a time (naive, subgroup).

@group(0) @binding(0) var<storage, read> a: array<vec4<f16>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f16>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn a_at(i: u32) -> f32 {
  return f32(a[i / 4u][i % 4u]);
}

fn b_at(i: u32) -> f32 {
  return f32(b[i / 4u][i % 4u]);
}

fn load_a4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_a(p);
  if (row < d.x && col < d.y) {
    return vec4<f32>(a[(batch * p.a_batch + row * d.y + col) / 4u]);
  }
  return vec4(0.0);
}

fn load_b4(batch: u32, row: u32, col: u32) -> vec4<f32> {
  let d = dims_b(p);
  if (row < d.x && col < d.y) {
    return vec4<f32>(b[(batch * p.b_batch + row * d.y + col) / 4u]);
  }
  return vec4(0.0);
}

fn load_bias4(col: u32) -> vec4<f32> {
  if (col < p.n) {
    return vec4(bias[col], bias[col + 1u], bias[col + 2u], bias[col + 3u]);
  }
  return vec4(0.0);
}

fn store_c4(batch: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row < p.m && col < p.n) {
    let at = (batch * p.m + row) * p.n + col;
    c[at] = v.x;
    c[at + 1u] = v.y;
    c[at + 2u] = v.z;
    c[at + 3u] = v.w;
  }
}
