// From a flat output index to the element a broadcast operand holds there (a function library
// with no entry point). Shapes are collapsed on the CPU to 8 dims, two vec4 halves with the
// outermost first (src/kernels/shape/broadcast.ts, broadcastLayout); a broadcast dimension has
// stride 0.

struct Index8 {
  hi: vec4<u32>,
  lo: vec4<u32>,
}

// The 8-d index of flat position i in the shape (shape_hi, shape_lo), innermost dimension last.
fn unravel8(i: u32, shape_hi: vec4<u32>, shape_lo: vec4<u32>) -> Index8 {
  var r = i;
  var idx: Index8;
  for (var d = 3; d >= 0; d--) {
    idx.lo[d] = r % shape_lo[d];
    r = r / shape_lo[d];
  }
  for (var d = 3; d >= 0; d--) {
    idx.hi[d] = r % shape_hi[d];
    r = r / shape_hi[d];
  }
  return idx;
}

fn offset8(idx: Index8, strides_hi: vec4<u32>, strides_lo: vec4<u32>) -> u32 {
  return dot(idx.hi, strides_hi) + dot(idx.lo, strides_lo);
}
