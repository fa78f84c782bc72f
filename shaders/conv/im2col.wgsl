// im2col and its adjoint col2im (NCHW, f32); needs window.wgsl.
// cols is [N*OH*OW, C*kh*kw]: row (n, oh, ow), column (c, i, j) for kernel offset (i, j).
// Padding reads as zero.

override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Geometry;

// One thread per (row, c, i) writes the kw columns of one kernel row: a contiguous run, and
// one index decomposition per kw values instead of per value.
@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.total) {
    return;
  }
  let kh = u32(p.kernel.x);
  let kw = u32(p.kernel.y);
  let ci = t % (p.channels * kh);
  let row = t / (p.channels * kh);
  let c = ci / kh;
  let ow = i32(row % u32(p.out_size.y));
  let rest = row / u32(p.out_size.y);
  let oh = i32(rest % u32(p.out_size.x));
  let n = rest / u32(p.out_size.x);
  let origin = window_origin(vec2<i32>(oh, ow), p);
  let y = origin.x + i32(ci % kh);
  let row_inside = y >= 0 && y < p.size.x;
  let plane = (n * p.channels + c) * u32(p.size.x * p.size.y);
  let base = row * p.channels * kh * kw + ci * kw;
  for (var j = 0; j < p.kernel.y; j++) {
    let x = origin.y + j;
    var v = 0.0;
    if (row_inside && x >= 0 && x < p.size.y) {
      v = src[plane + u32(y * p.size.y + x)];
    }
    dst[base + u32(j)] = v;
  }
}

// One thread per input pixel sums the cols entries that copied it: overlapping windows add up
// without atomics, and every output element is written exactly once.
@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.total) {
    return;
  }
  let hw = u32(p.size.x * p.size.y);
  let plane = t / hw;
  let c = plane % p.channels;
  let n = plane / p.channels;
  let pos = vec2<i32>(i32((t % hw) / u32(p.size.y)), i32(t % u32(p.size.y)));
  let k = i32(p.channels) * p.kernel.x * p.kernel.y;
  let span = covering(pos, p);
  var acc = 0.0;
  for (var oh = span.first.x; oh <= span.last.x; oh++) {
    for (var ow = span.first.y; ow <= span.last.y; ow++) {
      let offset = pos - window_origin(vec2<i32>(oh, ow), p);
      let row = (i32(n) * p.out_size.x + oh) * p.out_size.y + ow;
      let col = (i32(c) * p.kernel.x + offset.x) * p.kernel.y + offset.y;
      acc += src[u32(row * k + col)];
    }
  }
  dst[t] = acc;
}
