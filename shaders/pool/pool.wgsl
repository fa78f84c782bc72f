// 2-D max and average pooling over NCHW f32 planes, and their backward passes; needs
// shaders/conv/window.wgsl. Forward kernels run one thread per output, backward kernels one
// thread per input pixel gathering from the windows that cover it (no atomics).
// The TypeScript side guarantees padding <= kernel / 2, so every window holds a real pixel.
// Needs shaders/common/nan.wgsl: a window holding a NaN has max NaN (and its gradient goes there).

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Geometry;

fn thread_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// Output thread t -> output position (oh, ow) within its plane.
fn output_position(t: u32) -> vec2<i32> {
  let o = t % u32(p.out_size.x * p.out_size.y);
  return vec2<i32>(i32(o / u32(p.out_size.y)), i32(o % u32(p.out_size.y)));
}

// The window clipped to the input: rows/cols [lo, hi).
struct Clip {
  lo: vec2<i32>,
  hi: vec2<i32>,
}

fn clip_window(o: vec2<i32>) -> Clip {
  let origin = window_origin(o, p);
  return Clip(max(origin, vec2<i32>(0)), min(origin + p.kernel, p.size));
}

// In-plane index (y * W + x) of the first maximum of output o's window, in row-major scan
// order, or of its first NaN (padding is -inf, so never chosen). The forward pass and the backward pass share it,
// so the gradient goes exactly where the forward value came from.
fn window_argmax(plane: u32, o: vec2<i32>) -> u32 {
  let w = clip_window(o);
  let base = plane * u32(p.size.x * p.size.y);
  var best = u32(w.lo.x * p.size.y + w.lo.y);
  var best_v = x[base + best];
  for (var y = w.lo.x; y < w.hi.x; y++) {
    for (var xx = w.lo.y; xx < w.hi.y; xx++) {
      let i = u32(y * p.size.y + xx);
      let v = x[base + i];
      if (v > best_v || (is_nan(v) && !is_nan(best_v))) {
        best_v = v;
        best = i;
      }
    }
  }
  return best;
}

@compute @workgroup_size(WG)
fn max_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let plane = t / u32(p.out_size.x * p.out_size.y);
  out[t] = x[plane * u32(p.size.x * p.size.y) + window_argmax(plane, output_position(t))];
}

@compute @workgroup_size(WG)
fn max_pool_argmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  idx[t] = window_argmax(t / u32(p.out_size.x * p.out_size.y), output_position(t));
}

// Input pixel thread t -> its index within its plane, the flat index of its plane's first
// output, and the span of output windows that cover it (what both gradients gather over).
struct Coverers {
  here: u32,
  out_base: u32,
  span: Span,
}

fn coverers(t: u32) -> Coverers {
  let hw = u32(p.size.x * p.size.y);
  let here = t % hw;
  let span = covering(vec2<i32>(i32(here / u32(p.size.y)), i32(here % u32(p.size.y))), p);
  return Coverers(here, (t / hw) * u32(p.out_size.x * p.out_size.y), span);
}

// dx[pixel] = sum of g over the windows whose argmax (from max_pool_argmax) is this pixel.
@compute @workgroup_size(WG)
fn max_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let c = coverers(t);
  var acc = 0.0;
  for (var oh = c.span.first.x; oh <= c.span.last.x; oh++) {
    for (var ow = c.span.first.y; ow <= c.span.last.y; ow++) {
      let o = c.out_base + u32(oh * p.out_size.y + ow);
      if (idx[o] == c.here) {
        acc += g[o];
      }
    }
  }
  out[t] = acc;
}

// count_include_pad = false: each window divides by the number of real pixels it holds.
fn window_count(o: vec2<i32>) -> f32 {
  let w = clip_window(o);
  let extent = w.hi - w.lo;
  return f32(extent.x * extent.y);
}

@compute @workgroup_size(WG)
fn avg_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let plane = t / u32(p.out_size.x * p.out_size.y);
  let o = output_position(t);
  let w = clip_window(o);
  let base = plane * u32(p.size.x * p.size.y);
  var acc = 0.0;
  for (var y = w.lo.x; y < w.hi.x; y++) {
    for (var xx = w.lo.y; xx < w.hi.y; xx++) {
      acc += x[base + u32(y * p.size.y + xx)];
    }
  }
  out[t] = acc / window_count(o);
}

// dx[pixel] = sum over covering windows of g / (that window's count).
@compute @workgroup_size(WG)
fn avg_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let c = coverers(t);
  var acc = 0.0;
  for (var oh = c.span.first.x; oh <= c.span.last.x; oh++) {
    for (var ow = c.span.first.y; ow <= c.span.last.y; ow++) {
      acc += g[c.out_base + u32(oh * p.out_size.y + ow)] / window_count(vec2<i32>(oh, ow));
    }
  }
  out[t] = acc;
}
