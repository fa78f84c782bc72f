// K-FAC's factored Tikhonov damping (Martens & Grosse 2015, §6.3), one workgroup; needs
// workgroup-sum.wgsl. With π = sqrt((tr(A)/dim A) / (tr(G)/dim G)) it writes the shifts
//   shift_a[0] = π·√λ (for A),  shift_g[0] = √λ/π (for G).
// A zero or non-finite π (an all-zero factor) falls back to π = 1, the unfactored damping.

struct Params {
  na: u32,
  ng: u32,
  sqrt_lambda: f32,
}

@group(0) @binding(0) var<storage, read> fa: array<f32>;
@group(0) @binding(1) var<storage, read> fg: array<f32>;
@group(0) @binding(2) var<storage, read_write> shift_a: array<f32>;
@group(0) @binding(3) var<storage, read_write> shift_g: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(SUM_WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var t = vec4(0.0);
  for (var i = lid; i < max(p.na, p.ng); i += SUM_WG) {
    if (i < p.na) {
      t.x += fa[i * (p.na + 1u)];
    }
    if (i < p.ng) {
      t.y += fg[i * (p.ng + 1u)];
    }
  }
  t = workgroup_sum4(lid, t);
  if (lid == 0u) {
    var pi = sqrt((t.x / f32(p.na)) / (t.y / f32(p.ng)));
    if (!(pi > 0.0 && finite(pi))) {
      pi = 1.0;
    }
    shift_a[0] = pi * p.sqrt_lambda;
    shift_g[0] = p.sqrt_lambda / pi;
  }
}
