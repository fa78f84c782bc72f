// Direct (implicit-GEMM) convolution, NCHW f32: the forward pass, the input gradient and the
// weight and bias gradients read the image, the weights and the output gradient where they lie,
// with no im2col matrix in between. Cross-correlation as PyTorch: x [N, C, H, W], w [O, C, kh, kw],
// out [N, O, OH, OW]. Pairs are (height, width): .x is the row axis, .y the column axis.
//
// Register blocking, no workgroup memory and no barriers (what software adapters run fastest,
// and what keeps many small workgroups in flight on a GPU): the forward, input-gradient and
// weight-gradient threads each keep an 8×4 block of accumulators, 8 channels (two vec4) × 4
// neighbouring positions or channels, so 12 loads feed 32 multiply-adds. Loads that fall in
// the padding or past a tensor's edge read a clamped (real) element: the padding's is replaced
// by zero, the edge's result is never stored.

override WG: u32 = 64u;
override HAS_BIAS: bool = false;

struct Conv {
  total: u32,           // threads that do work in this dispatch
  in_ch: u32,           // C
  out_ch: u32,          // O
  rows_per_split: u32,  // weight/bias gradients: (n, oh) rows each split-K chunk sums
  size: vec2<i32>,      // input (H, W)
  out_size: vec2<i32>,  // output (OH, OW)
  kernel: vec2<i32>,    // (kh, kw)
  stride: vec2<i32>,
  pad: vec2<i32>,
  batch: u32,           // N
}

@group(0) @binding(0) var<storage, read> src: array<f32>;       // x (forward, dW) or g (dx)
@group(0) @binding(1) var<storage, read> other: array<f32>;     // w (forward, dx) or g (dW, dbias)
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<uniform> p: Conv;

fn thread_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn blocks_of_4(n: u32) -> u32 {
  return (n + 3u) / 4u;
}

fn blocks_of_8(n: u32) -> u32 {
  return (n + 7u) / 8u;
}

// Four channels' elements at the same offset, `step` apart, starting at channel `first` of
// `count`; channels past the last repeat the last one (their results are never stored).
fn gather4(base: u32, first: u32, count: u32, step: u32) -> vec4<u32> {
  let last = count - 1u;
  return base + vec4<u32>(first, min(first + 1u, last), min(first + 2u, last), min(first + 3u, last)) * step;
}

fn other4(at: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(other[at.x], other[at.y], other[at.z], other[at.w]);
}

// ---- forward: out[n, o, oh, ow] = bias[o] + Σ_{c,i,j} x[n, c, oh*s - pad + i, ow*s - pad + j] w[o, c, i, j]
// One thread: 8 output channels × 4 neighbouring columns of one output row.

fn bias4(o0: u32) -> vec4<f32> {
  let last = p.out_ch - 1u;
  return vec4<f32>(bias[min(o0, last)], bias[min(o0 + 1u, last)], bias[min(o0 + 2u, last)], bias[min(o0 + 3u, last)]);
}

// Channels o0..o0+3 of one output position (those that exist).
fn store_output(n: u32, o0: u32, oh: i32, ow: i32, acc: vec4<f32>) {
  if (ow >= p.out_size.y) {
    return;
  }
  var v = acc;
  if (HAS_BIAS) {
    v += bias4(o0);
  }
  let plane = u32(p.out_size.x * p.out_size.y);
  let at = (n * p.out_ch + o0) * plane + u32(oh * p.out_size.y + ow);
  for (var q = 0u; q < 4u && o0 + q < p.out_ch; q++) {
    dst[at + q * plane] = v[q];
  }
}

@compute @workgroup_size(WG)
fn conv_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let col_blocks = blocks_of_4(u32(p.out_size.y));
  let ow0 = i32(t % col_blocks) * 4;
  var rest = t / col_blocks;
  let oh = i32(rest % u32(p.out_size.x));
  rest /= u32(p.out_size.x);
  let o0 = (rest % blocks_of_8(p.out_ch)) * 8u;
  let n = rest / blocks_of_8(p.out_ch);

  let taps = p.kernel.x * p.kernel.y;
  let w_lo = gather4(0u, o0, p.out_ch, p.in_ch * u32(taps));
  let w_hi = gather4(0u, o0 + 4u, p.out_ch, p.in_ch * u32(taps));
  let hw = p.size.x * p.size.y;
  let sx = p.stride.y;
  let x0 = ow0 * sx - p.pad.y;
  // lo: channels o0..o0+3, hi: o0+4..o0+7; 0..3: the four columns.
  var lo0 = vec4<f32>(0.0);
  var lo1 = vec4<f32>(0.0);
  var lo2 = vec4<f32>(0.0);
  var lo3 = vec4<f32>(0.0);
  var hi0 = vec4<f32>(0.0);
  var hi1 = vec4<f32>(0.0);
  var hi2 = vec4<f32>(0.0);
  var hi3 = vec4<f32>(0.0);
  // Taps outermost: which of the four columns a tap reads from the image (and where) is the
  // same for every input channel, so the bounds are checked once per tap, not per load.
  for (var i = 0; i < p.kernel.x; i++) {
    let y = oh * p.stride.x - p.pad.x + i;
    if (y < 0 || y >= p.size.x) {
      continue;
    }
    for (var j = 0; j < p.kernel.y; j++) {
      let cols = vec4<i32>(x0 + j) + vec4<i32>(0, 1, 2, 3) * sx;
      let inside = (cols >= vec4<i32>(0)) & (cols < vec4<i32>(p.size.y));
      let at = vec4<u32>(select(vec4<i32>(0), cols, inside) + (i32(n) * i32(p.in_ch) * hw + y * p.size.y));
      var tap = u32(i * p.kernel.y + j);
      for (var c = 0u; c < p.in_ch; c++) {
        let plane = c * u32(hw);
        let v0 = select(0.0, src[at.x + plane], inside.x);
        let v1 = select(0.0, src[at.y + plane], inside.y);
        let v2 = select(0.0, src[at.z + plane], inside.z);
        let v3 = select(0.0, src[at.w + plane], inside.w);
        let wl = other4(w_lo + tap);
        let wh = other4(w_hi + tap);
        lo0 += v0 * wl;
        lo1 += v1 * wl;
        lo2 += v2 * wl;
        lo3 += v3 * wl;
        hi0 += v0 * wh;
        hi1 += v1 * wh;
        hi2 += v2 * wh;
        hi3 += v3 * wh;
        tap += u32(taps);
      }
    }
  }
  store_output(n, o0, oh, ow0, lo0);
  store_output(n, o0, oh, ow0 + 1, lo1);
  store_output(n, o0, oh, ow0 + 2, lo2);
  store_output(n, o0, oh, ow0 + 3, lo3);
  if (o0 + 4u < p.out_ch) {
    store_output(n, o0 + 4u, oh, ow0, hi0);
    store_output(n, o0 + 4u, oh, ow0 + 1, hi1);
    store_output(n, o0 + 4u, oh, ow0 + 2, hi2);
    store_output(n, o0 + 4u, oh, ow0 + 3, hi3);
  }
}

// ---- input gradient: dx[n, c, y, x] = Σ_{o,i,j} g[n, o, oh, ow] w[o, c, i, j] over the output
// positions whose window puts tap (i, j) on (y, x): oh*s - pad + i = y, ow*s - pad + j = x.
// One thread: 8 input channels × 4 neighbouring columns of one input row. `src` is g.

fn store_input_grad(n: u32, c0: u32, y: i32, x: i32, acc: vec4<f32>) {
  if (x >= p.size.y) {
    return;
  }
  let plane = u32(p.size.x * p.size.y);
  let at = (n * p.in_ch + c0) * plane + u32(y * p.size.y + x);
  for (var q = 0u; q < 4u && c0 + q < p.in_ch; q++) {
    dst[at + q * plane] = acc[q];
  }
}

@compute @workgroup_size(WG)
fn conv_input_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let col_blocks = blocks_of_4(u32(p.size.y));
  let x0 = i32(t % col_blocks) * 4;
  var rest = t / col_blocks;
  let y = i32(rest % u32(p.size.x));
  rest /= u32(p.size.x);
  let c0 = (rest % blocks_of_8(p.in_ch)) * 8u;
  let n = rest / blocks_of_8(p.in_ch);

  let taps = p.kernel.x * p.kernel.y;
  let out_plane = p.out_size.x * p.out_size.y;
  // lo: channels c0..c0+3, hi: c0+4..c0+7; 0..3: the four columns.
  var lo0 = vec4<f32>(0.0);
  var lo1 = vec4<f32>(0.0);
  var lo2 = vec4<f32>(0.0);
  var lo3 = vec4<f32>(0.0);
  var hi0 = vec4<f32>(0.0);
  var hi1 = vec4<f32>(0.0);
  var hi2 = vec4<f32>(0.0);
  var hi3 = vec4<f32>(0.0);
  // Taps outermost: which output column each of the four columns takes its gradient from (if
  // any) is the same for every output channel, so the divisions are done once per tap.
  let sx = p.stride.y;
  for (var i = 0; i < p.kernel.x; i++) {
    let ty = y + p.pad.x - i;
    if (ty < 0 || ty % p.stride.x != 0 || ty / p.stride.x >= p.out_size.x) {
      continue;
    }
    let row0 = i32(n) * i32(p.out_ch) * out_plane + (ty / p.stride.x) * p.out_size.y;
    for (var j = 0; j < p.kernel.y; j++) {
      // Column x = ow*s - pad + j, so ow = (x + pad - j) / s where that divides exactly.
      let tx = vec4<i32>(x0 + p.pad.y - j) + vec4<i32>(0, 1, 2, 3);
      let ow = tx / sx;
      let hit = (tx >= vec4<i32>(0)) & (tx % sx == vec4<i32>(0)) & (ow < vec4<i32>(p.out_size.y));
      let at = vec4<u32>(select(vec4<i32>(0), ow, hit) + row0);
      let tap = u32(i * p.kernel.y + j);
      var w_lo = gather4(tap, c0, p.in_ch, u32(taps));
      var w_hi = gather4(tap, c0 + 4u, p.in_ch, u32(taps));
      for (var o = 0u; o < p.out_ch; o++) {
        let plane = o * u32(out_plane);
        let g0 = select(0.0, src[at.x + plane], hit.x);
        let g1 = select(0.0, src[at.y + plane], hit.y);
        let g2 = select(0.0, src[at.z + plane], hit.z);
        let g3 = select(0.0, src[at.w + plane], hit.w);
        let wl = other4(w_lo);
        let wh = other4(w_hi);
        lo0 += g0 * wl;
        lo1 += g1 * wl;
        lo2 += g2 * wl;
        lo3 += g3 * wl;
        hi0 += g0 * wh;
        hi1 += g1 * wh;
        hi2 += g2 * wh;
        hi3 += g3 * wh;
        // w[o + 1, c, i, j]
        w_lo += vec4<u32>(p.in_ch * u32(taps));
        w_hi += vec4<u32>(p.in_ch * u32(taps));
      }
    }
  }
  store_input_grad(n, c0, y, x0, lo0);
  store_input_grad(n, c0, y, x0 + 1, lo1);
  store_input_grad(n, c0, y, x0 + 2, lo2);
  store_input_grad(n, c0, y, x0 + 3, lo3);
  if (c0 + 4u < p.in_ch) {
    store_input_grad(n, c0 + 4u, y, x0, hi0);
    store_input_grad(n, c0 + 4u, y, x0 + 1, hi1);
    store_input_grad(n, c0 + 4u, y, x0 + 2, hi2);
    store_input_grad(n, c0 + 4u, y, x0 + 3, hi3);
  }
}

// ---- weight gradient, split-K stage 1: dW[o, c, i, j] = Σ_{n,oh,ow} g[n, o, oh, ow] x[n, c, oh*s - pad + i, ow*s - pad + j],
// a reduction over N·OH·OW for only O·C·kh·kw outputs. Split s sums (n, oh) rows
// [s·rows_per_split, (s+1)·rows_per_split) into partials[s] (laid out as dW); stage 2, the
// GEMM's split-K pass (shaders/gemm/split-k-sum.wgsl), adds the splits. One thread: 8 output
// channels × 4 input channels of one tap. `src` is x, `other` is g.

@compute @workgroup_size(WG)
fn conv_weight_partials(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let c_blocks = blocks_of_4(p.in_ch);
  let o_blocks = blocks_of_8(p.out_ch);
  let taps = u32(p.kernel.x * p.kernel.y);
  let c0 = (t % c_blocks) * 4u;
  var rest = t / c_blocks;
  let o0 = (rest % o_blocks) * 8u;
  rest /= o_blocks;
  let tap = rest % taps;
  let split = rest / taps;
  let i = i32(tap) / p.kernel.y;
  let j = i32(tap) % p.kernel.y;

  let hw = u32(p.size.x * p.size.y);
  let out_plane = u32(p.out_size.x * p.out_size.y);
  let rows = p.batch * u32(p.out_size.x);
  let first = split * p.rows_per_split;
  let end = min(first + p.rows_per_split, rows);
  // Output columns whose tap j falls inside the image: ow*s - pad + j in [0, W).
  let sx = p.stride.y;
  let ow_first = max(0, (p.pad.y - j + sx - 1) / sx);
  let last_x = p.size.y - 1 + p.pad.y - j; // ow*s <= last_x; negative: no column (division truncates)
  let ow_end = select(0, min(p.out_size.y, last_x / sx + 1), last_x >= 0);
  // lo: output channels o0..o0+3, hi: o0+4..o0+7; 0..3: input channels c0..c0+3.
  var lo0 = vec4<f32>(0.0);
  var lo1 = vec4<f32>(0.0);
  var lo2 = vec4<f32>(0.0);
  var lo3 = vec4<f32>(0.0);
  var hi0 = vec4<f32>(0.0);
  var hi1 = vec4<f32>(0.0);
  var hi2 = vec4<f32>(0.0);
  var hi3 = vec4<f32>(0.0);
  for (var r = first; r < end; r++) {
    let n = r / u32(p.out_size.x);
    let oh = i32(r % u32(p.out_size.x));
    let y = oh * p.stride.x - p.pad.x + i;
    if (y < 0 || y >= p.size.x) {
      continue;
    }
    let g_row = n * p.out_ch * out_plane + u32(oh * p.out_size.y);
    let g_lo = gather4(g_row, o0, p.out_ch, out_plane);
    let g_hi = gather4(g_row, o0 + 4u, p.out_ch, out_plane);
    let x_at = gather4(n * p.in_ch * hw + u32(y * p.size.y), c0, p.in_ch, hw);
    for (var ow = ow_first; ow < ow_end; ow++) {
      let gl = other4(g_lo + u32(ow));
      let gh = other4(g_hi + u32(ow));
      let xo = x_at + u32(ow * sx - p.pad.y + j);
      let v0 = src[xo.x];
      let v1 = src[xo.y];
      let v2 = src[xo.z];
      let v3 = src[xo.w];
      lo0 += v0 * gl;
      lo1 += v1 * gl;
      lo2 += v2 * gl;
      lo3 += v3 * gl;
      hi0 += v0 * gh;
      hi1 += v1 * gh;
      hi2 += v2 * gh;
      hi3 += v3 * gh;
    }
  }
  let ckk = p.in_ch * taps;
  let base = split * p.out_ch * ckk + c0 * taps + tap;
  store_weight_partial(base, o0, ckk, c0, lo0);
  store_weight_partial(base + taps, o0, ckk, c0 + 1u, lo1);
  store_weight_partial(base + 2u * taps, o0, ckk, c0 + 2u, lo2);
  store_weight_partial(base + 3u * taps, o0, ckk, c0 + 3u, lo3);
  if (o0 + 4u < p.out_ch) {
    store_weight_partial(base, o0 + 4u, ckk, c0, hi0);
    store_weight_partial(base + taps, o0 + 4u, ckk, c0 + 1u, hi1);
    store_weight_partial(base + 2u * taps, o0 + 4u, ckk, c0 + 2u, hi2);
    store_weight_partial(base + 3u * taps, o0 + 4u, ckk, c0 + 3u, hi3);
  }
}

// Output channels o0..o0+3 (those that exist) of input channel c, at `at` + o·ckk.
fn store_weight_partial(at: u32, o0: u32, ckk: u32, c: u32, acc: vec4<f32>) {
  if (c >= p.in_ch) {
    return;
  }
  for (var q = 0u; q < 4u && o0 + q < p.out_ch; q++) {
    dst[at + (o0 + q) * ckk] = acc[q];
  }
}

// ---- bias gradient, split-K stage 1: dbias[o] = Σ_{n,oh,ow} g[n, o, oh, ow]; split s sums its
// (n, oh) rows into partials[s, o]. One thread per (split, o). `other` is g.

@compute @workgroup_size(WG)
fn conv_bias_partials(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = thread_index(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let o = t % p.out_ch;
  let split = t / p.out_ch;
  let out_plane = u32(p.out_size.x * p.out_size.y);
  let rows = p.batch * u32(p.out_size.x);
  let first = split * p.rows_per_split;
  let end = min(first + p.rows_per_split, rows);
  var acc = vec4<f32>(0.0);
  for (var r = first; r < end; r++) {
    let n = r / u32(p.out_size.x);
    let row = (n * p.out_ch + o) * out_plane + (r % u32(p.out_size.x)) * u32(p.out_size.y);
    var ow = 0u;
    for (; ow + 4u <= u32(p.out_size.y); ow += 4u) {
      acc += vec4<f32>(other[row + ow], other[row + ow + 1u], other[row + ow + 2u], other[row + ow + 3u]);
    }
    for (; ow < u32(p.out_size.y); ow++) {
      acc.x += other[row + ow];
    }
  }
  dst[t] = acc.x + acc.y + acc.z + acc.w;
}
