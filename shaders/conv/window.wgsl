// Sliding-window geometry shared by im2col/col2im and the pooling kernels (NCHW, f32).
// Pairs are (height, width): .x is the row axis, .y the column axis.

struct Geometry {
  total: u32,          // threads that do work in this dispatch
  channels: u32,       // C
  size: vec2<i32>,     // input (H, W)
  out_size: vec2<i32>, // output (OH, OW)
  kernel: vec2<i32>,   // (kh, kw)
  stride: vec2<i32>,
  pad: vec2<i32>,
}

// The output positions, per axis, whose windows cover input position `pos`: those o with
// o * stride - pad <= pos <= o * stride - pad + kernel - 1, within the output. Empty when
// first > last. Lets adjoint kernels gather (one thread per input pixel) instead of scattering
// with atomics.
struct Span {
  first: vec2<i32>,
  last: vec2<i32>,
}

fn covering(pos: vec2<i32>, geo: Geometry) -> Span {
  let lo = max(pos + geo.pad - geo.kernel + vec2<i32>(1), vec2<i32>(0));
  let first = (lo + geo.stride - vec2<i32>(1)) / geo.stride;
  let last = min((pos + geo.pad) / geo.stride, geo.out_size - vec2<i32>(1));
  return Span(first, last);
}

// Top-left corner of output position `o`'s window in input coordinates (may lie in the padding).
fn window_origin(o: vec2<i32>, geo: Geometry) -> vec2<i32> {
  return o * geo.stride - geo.pad;
}
