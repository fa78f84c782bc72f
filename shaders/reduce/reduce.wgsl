// Reduces the middle axis of an [outer, len, inner] view in parts of `chunk` elements:
// out[o, part, i] = op over k in the part of x[o, k, i], times `scale` (1/len gives the mean).
// With chunk = len it is one pass; long axes run two passes (parts, then the partial results),
// which spreads the work over more threads and shortens the rounding-error chain.
// One thread per output; no barriers, which suits software rasterisers. Needs
// shaders/common/nan.wgsl first: max and min of values holding a NaN are NaN.

override OP: u32 = 0u; // 0 sum, 1 max, 2 min
override WG: u32 = 256u;

struct Params {
  outer: u32,
  len: u32,
  inner: u32,
  chunk: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let parts = (p.len + p.chunk - 1u) / p.chunk;
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.outer * parts * p.inner) {
    return;
  }
  let o = t / (parts * p.inner);
  let part = (t / p.inner) % parts;
  let i = t % p.inner;
  let first = part * p.chunk;
  let count = min(p.chunk, p.len - first);
  let base = (o * p.len + first) * p.inner + i;
  var acc = x[base];
  // Kahan-free but pairwise-ish: four partial accumulators shorten the error chain for sums.
  var acc1 = 0.0;
  var acc2 = 0.0;
  var acc3 = 0.0;
  var k = 1u;
  if (OP == 0u) {
    for (; k + 3u < count; k += 4u) {
      acc += x[base + k * p.inner];
      acc1 += x[base + (k + 1u) * p.inner];
      acc2 += x[base + (k + 2u) * p.inner];
      acc3 += x[base + (k + 3u) * p.inner];
    }
  }
  for (; k < count; k++) {
    let v = x[base + k * p.inner];
    switch OP {
      case 1u: { acc = max_nan(acc, v); }
      case 2u: { acc = min_nan(acc, v); }
      default: { acc += v; }
    }
  }
  out[t] = ((acc + acc1) + (acc2 + acc3)) * p.scale;
}
