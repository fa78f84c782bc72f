// Reduces the middle axis of an [outer, len, inner] view in parts of `chunk` elements:
// out[o, part, i] = op over k in the part of x[o, k, i], times `scale` (1/len gives the mean).
// With chunk = len it is one pass; long axes run two passes (parts, then the partial results),
// which spreads the work over more threads and shortens the rounding-error chain.
// One thread per output; no barriers, which suits software rasterisers. Needs
// shaders/common/nan.wgsl first: max and min of values holding a NaN are NaN. The op codes
// (OP_SUM, OP_MAX, OP_MIN) come from src/kernels/reduce/reduce.ts, concatenated before this
// source.
// `expand` and `expand_extreme` are the gradients: g spread back along the axis.

override OP: u32;
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
  if (OP == OP_SUM) {
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
      case OP_SUM: { acc += v; }
      case OP_MAX: { acc = max_nan(acc, v); }
      case OP_MIN: { acc = min_nan(acc, v); }
      default: { acc = poison(); }
    }
  }
  out[t] = ((acc + acc1) + (acc2 + acc3)) * p.scale;
}

// The gradient of a sum (scale 1) or mean (scale 1/len): dx[o, k, i] = g[o, i] · scale.
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn expand(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.outer * p.len * p.inner) {
    return;
  }
  dx[t] = g[(t / (p.len * p.inner)) * p.inner + t % p.inner] * p.scale;
}

// The gradient of a max or min: g[o, i] goes to every x[o, k, i] equal to the extreme
// extreme[o, i] (ties each get it in full), 0 elsewhere.
@group(0) @binding(5) var<storage, read> extreme: array<f32>;

@compute @workgroup_size(WG)
fn expand_extreme(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.outer * p.len * p.inner) {
    return;
  }
  let j = (t / (p.len * p.inner)) * p.inner + t % p.inner;
  dx[t] = select(0.0, g[j], x[t] == extreme[j]);
}
