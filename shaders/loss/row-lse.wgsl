// Shared WGSL library: numerically stable log-sum-exp over one row, for log-softmax, softmax,
// cross-entropy and the GCE losses. Concatenate it before a kernel:
//   new Kernel({ name, source: [rowLse, kernel] })
// Contract: the kernel declares `x: array<f32>` in storage; a row is the `len` values
// x[base], x[base + stride], ... (stride 1 for a contiguous row, `inner` for other axes).

// The row's max m and log Σ exp(x - m), kept apart: log-softmax is (x_j - m) - log_s, which
// stays accurate when |x| is large (m + log_s would round away log_s's low bits).
struct RowLse {
  m: f32,
  log_s: f32,
}

fn row_lse(base: u32, len: u32, stride: u32) -> RowLse {
  var m = x[base];
  for (var k = 1u; k < len; k++) {
    m = max(m, x[base + k * stride]);
  }
  // Two accumulators shorten the dependency chain (and the rounding chain) for long rows.
  var s0 = 0.0;
  var s1 = 0.0;
  var k = 0u;
  for (; k + 1u < len; k += 2u) {
    s0 += exp(x[base + k * stride] - m);
    s1 += exp(x[base + (k + 1u) * stride] - m);
  }
  if (k < len) {
    s0 += exp(x[base + k * stride] - m);
  }
  return RowLse(m, log(s0 + s1));
}

// log softmax of one value v of the row described by r.
fn log_softmax_of(v: f32, r: RowLse) -> f32 {
  return (v - r.m) - r.log_s;
}
