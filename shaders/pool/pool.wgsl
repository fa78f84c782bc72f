// 2-D max and average pooling over NCHW f32 planes, and their backward passes.
// Pairs are (height, width): .x is the row axis, .y the column axis.
// The TypeScript side guarantees padding <= kernel / 2, so every window holds a real pixel.
// Needs shaders/common/nan.wgsl: a window holding a NaN has max NaN (and its gradient goes there).
//
// Cost on lavapipe (llvmpipe runs 8 invocations per SIMD vector): integer division has no vector
// instruction there, so each one runs lane by lane, and a signed one also gets WGSL's
// divide-by-zero guard. A backward pass with one thread per input pixel needs eight per pixel
// (four signed, to find the windows covering it); measured, those four alone were about 2/3 of
// its time. Here every thread does two unsigned divisions (site()), by uniforms, and nothing
// divides per pixel.
//
// Forward kernels run one thread per output. Backward kernels run one thread per *cell*: output
// position c's cell is the stride-sized block of input pixels starting at its window's origin,
// rows [c * stride - pad, (c + 1) * stride - pad). The cells tile the input, so each input
// pixel has exactly one owner, which stores it once and writes nothing else: it sums, in
// registers and in row-major window order, over the windows that reach its cell (c - reach .. c,
// reach = (kernel - 1) / stride, from the host), so overlapping windows accumulate
// deterministically without atomics or barriers. (Clearing a cell and then adding each window
// into memory measured 1.5-2.5x slower on lavapipe, where every store runs lane by lane.)

override WG: u32 = 256u;

struct Pooling {
  total: u32,          // threads that do work in this dispatch
  size: vec2<i32>,     // input (H, W)
  out_size: vec2<i32>, // output (OH, OW)
  sites: vec2<i32>,    // per plane: out_size (forward) or the cell grid (backward)
  kernel: vec2<i32>,   // (kh, kw)
  stride: vec2<i32>,
  pad: vec2<i32>,
  reach: vec2<i32>,    // (kernel - 1) / stride: how many earlier windows reach into a cell
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Pooling;

fn thread_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// Thread t's site (an output or a cell) on a per-plane grid of p.sites, and where its plane
// starts in the input and in the output.
struct Site {
  pos: vec2<i32>,
  in_base: u32,
  out_base: u32,
}

fn site(t: u32) -> Site {
  let cols = u32(p.sites.y);
  let row_all = t / cols;
  let plane = row_all / u32(p.sites.x);
  let pos = vec2<i32>(i32(row_all - plane * u32(p.sites.x)), i32(t - row_all * cols));
  return Site(pos, plane * u32(p.size.x * p.size.y), plane * u32(p.out_size.x * p.out_size.y));
}

fn in_index(s: Site, pixel: vec2<i32>) -> u32 {
  return s.in_base + u32(pixel.x * p.size.y + pixel.y);
}

fn out_index(s: Site, o: vec2<i32>) -> u32 {
  return s.out_base + u32(o.x * p.out_size.y + o.y);
}

// A block of input pixels clipped to the input: rows/cols [lo, hi).
struct Rect {
  lo: vec2<i32>,
  hi: vec2<i32>,
}

fn clipped(origin: vec2<i32>, extent: vec2<i32>) -> Rect {
  return Rect(max(origin, vec2<i32>(0)), min(origin + extent, p.size));
}

fn window_of(o: vec2<i32>) -> Rect {
  return clipped(o * p.stride - p.pad, p.kernel);
}

fn cell_of(c: vec2<i32>) -> Rect {
  return clipped(c * p.stride - p.pad, p.stride);
}

// Pixel (row, col) of the first maximum of output o's window, in row-major scan order, or of its
// first NaN (padding is never read, so never chosen). The forward pass and the backward pass
// share it, so the gradient goes exactly where the forward value came from.
fn window_argmax(s: Site, o: vec2<i32>) -> vec2<i32> {
  let w = window_of(o);
  var best = w.lo;
  var best_v = x[in_index(s, best)];
  for (var y = w.lo.x; y < w.hi.x; y++) {
    for (var xx = w.lo.y; xx < w.hi.y; xx++) {
      let v = x[in_index(s, vec2<i32>(y, xx))];
      if (v > best_v || (is_nan(v) && !is_nan(best_v))) {
        best_v = v;
        best = vec2<i32>(y, xx);
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
  let s = site(t);
  out[t] = x[in_index(s, window_argmax(s, s.pos))];
}

// In-plane index (y * W + x) of each output's first maximum, for max_pool_grad_overlapping.
@compute @workgroup_size(WG)
fn max_pool_argmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let s = site(t);
  let winner = window_argmax(s, s.pos);
  idx[t] = u32(winner.x * p.size.y + winner.y);
}

// dx[pixel] for windows that do not overlap (stride >= kernel, reach 0; the usual CNN case):
// only window c reaches cell c, so its argmax is computed once, here, and each pixel of the cell
// is stored once: g at the winner, 0 elsewhere. One pass, no index buffer.
@compute @workgroup_size(WG)
fn max_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let s = site(t);
  let cell = cell_of(s.pos);
  var winner = vec2<i32>(-1);
  var grad = 0.0;
  if (all(s.pos < p.out_size)) {
    winner = window_argmax(s, s.pos);
    grad = g[out_index(s, s.pos)];
  }
  for (var y = cell.lo.x; y < cell.hi.x; y++) {
    for (var xx = cell.lo.y; xx < cell.hi.y; xx++) {
      out[in_index(s, vec2<i32>(y, xx))] = select(0.0, grad, all(vec2<i32>(y, xx) == winner));
    }
  }
}

// The windows that reach cell c, as output positions [first, last] (empty when first > last).
struct Reaching {
  first: vec2<i32>,
  last: vec2<i32>,
}

fn reaching(c: vec2<i32>) -> Reaching {
  return Reaching(max(c - p.reach, vec2<i32>(0)), min(c, p.out_size - vec2<i32>(1)));
}

fn holds(o: vec2<i32>, pixel: vec2<i32>) -> bool {
  let origin = o * p.stride - p.pad;
  return all(pixel >= origin) && all(pixel < origin + p.kernel);
}

// dx[pixel] for overlapping windows = sum of g over the windows whose first maximum (from
// max_pool_argmax) is this pixel, in row-major window order. Recomputing the argmax per window
// here instead would read k*k inputs for each of the ((k - 1) / stride + 1)^2 windows reaching a
// cell: at kernel 3, stride 1 that measured 3-5x slower than this two-pass form on lavapipe.
@compute @workgroup_size(WG)
fn max_pool_grad_overlapping(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let s = site(t);
  let cell = cell_of(s.pos);
  let r = reaching(s.pos);
  for (var y = cell.lo.x; y < cell.hi.x; y++) {
    for (var xx = cell.lo.y; xx < cell.hi.y; xx++) {
      let pixel = vec2<i32>(y, xx);
      let here = u32(y * p.size.y + xx);
      var acc = 0.0;
      for (var oh = r.first.x; oh <= r.last.x; oh++) {
        for (var ow = r.first.y; ow <= r.last.y; ow++) {
          let o = out_index(s, vec2<i32>(oh, ow));
          if (holds(vec2<i32>(oh, ow), pixel) && idx[o] == here) {
            acc += g[o];
          }
        }
      }
      out[in_index(s, pixel)] = acc;
    }
  }
}

// count_include_pad = false: each window divides by the number of real pixels it holds.
fn window_count(w: Rect) -> f32 {
  let extent = w.hi - w.lo;
  return f32(extent.x * extent.y);
}

@compute @workgroup_size(WG)
fn avg_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let s = site(t);
  let w = window_of(s.pos);
  var acc = 0.0;
  for (var y = w.lo.x; y < w.hi.x; y++) {
    for (var xx = w.lo.y; xx < w.hi.y; xx++) {
      acc += x[in_index(s, vec2<i32>(y, xx))];
    }
  }
  out[t] = acc / window_count(w);
}

// dx[pixel] = sum over the windows holding it, in row-major window order, of g / (that
// window's count).
@compute @workgroup_size(WG)
fn avg_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let s = site(t);
  let cell = cell_of(s.pos);
  let r = reaching(s.pos);
  for (var y = cell.lo.x; y < cell.hi.x; y++) {
    for (var xx = cell.lo.y; xx < cell.hi.y; xx++) {
      let pixel = vec2<i32>(y, xx);
      var acc = 0.0;
      for (var oh = r.first.x; oh <= r.last.x; oh++) {
        for (var ow = r.first.y; ow <= r.last.y; ow++) {
          let o = vec2<i32>(oh, ow);
          if (holds(o, pixel)) {
            acc += g[out_index(s, o)] / window_count(window_of(o));
          }
        }
      }
      out[in_index(s, pixel)] = acc;
    }
  }
}
