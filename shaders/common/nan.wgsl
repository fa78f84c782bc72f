// NaN-aware helpers. WGSL lets max/min return either operand when one is NaN, and lets a
// compiler assume floats are never NaN, so `v != v` may be folded away: these test the bits.
// Ops built on them follow IEEE / PyTorch semantics: NaN in, NaN out.

fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn is_nan4(v: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(v) & vec4(0x7fffffffu)) > vec4(0x7f800000u);
}

// Neither NaN nor ±Inf.
fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// max and min that return NaN when either operand is NaN (a + b is then NaN).
fn max_nan(a: f32, b: f32) -> f32 {
  return select(max(a, b), a + b, is_nan(a) || is_nan(b));
}

fn min_nan(a: f32, b: f32) -> f32 {
  return select(min(a, b), a + b, is_nan(a) || is_nan(b));
}

fn relu_nan(v: f32) -> f32 {
  return select(max(v, 0.0), v, is_nan(v));
}

fn relu_nan4(v: vec4<f32>) -> vec4<f32> {
  return select(max(v, vec4(0.0)), v, is_nan4(v));
}
