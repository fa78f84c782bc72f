// Double damping of a (s, y) pair before a BFGS / L-BFGS update of an inverse Hessian H
// (Goldfarb et al. 2020; the authors' kron_bfgs_update_damping), one workgroup. Reads the pair
// (s, y) and writes the damped pair (s_out, y_out), so a smoothed pair kept between iterations
// stays undamped. Needs workgroup-sum.wgsl; hy = H·y with the current H.
//   1. Powell damping for the inverse: if sᵀy < μ₁·yᵀHy,
//        θ₁ = (1 − μ₁)·yᵀHy / (yᵀHy − sᵀy),  s ← θ₁ s + (1 − θ₁) Hy      ⇒ sᵀy = μ₁·yᵀHy
//   2. Levenberg–Marquardt damping of the implied Hessian, with the new s: if sᵀy < μ₂·sᵀs,
//        θ₂ = (1 − μ₂)·sᵀs / (sᵀs − sᵀy),   y ← θ₂ y + (1 − θ₂) s         ⇒ sᵀy = μ₂·sᵀs
// μ₂ ≤ 1 (the caller clamps it). Step 2's sᵀy and sᵀs after step 1 follow from dot products
// of the original vectors, so one pass of reductions serves both steps.
// diag[2] and diag[3] count how often steps 1 and 2 were active.

struct Params {
  n: u32,
  mu1: f32,
  mu2: f32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> hy: array<f32>;
@group(0) @binding(3) var<storage, read_write> s_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> y_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> diag: array<u32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(SUM_WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var a = vec4(0.0); // sᵀy, yᵀHy, sᵀs, sᵀHy
  var b = vec4(0.0); // (Hy)ᵀ(Hy)
  for (var i = lid; i < p.n; i += SUM_WG) {
    a += vec4(s[i] * y[i], y[i] * hy[i], s[i] * s[i], s[i] * hy[i]);
    b.x += hy[i] * hy[i];
  }
  a = workgroup_sum4(lid, a);
  b = workgroup_sum4(lid, b);
  var sy = a.x;
  let yhy = a.y;
  var ss = a.z;
  // Step 1: s ← θ₁ s + (1 − θ₁) Hy.
  var t1 = 1.0;
  let step1 = sy < p.mu1 * yhy;
  if (step1) {
    t1 = (1.0 - p.mu1) * yhy / (yhy - sy);
    sy = t1 * sy + (1.0 - t1) * yhy;
    ss = t1 * t1 * ss + 2.0 * t1 * (1.0 - t1) * a.w + (1.0 - t1) * (1.0 - t1) * b.x;
  }
  // Step 2: y ← θ₂ y + (1 − θ₂) s (with the new s).
  var t2 = 1.0;
  let step2 = sy < p.mu2 * ss;
  if (step2) {
    t2 = (1.0 - p.mu2) * ss / (ss - sy);
  }
  for (var i = lid; i < p.n; i += SUM_WG) {
    let si = t1 * s[i] + (1.0 - t1) * hy[i];
    s_out[i] = si;
    y_out[i] = t2 * y[i] + (1.0 - t2) * si;
  }
  if (lid == 0u) {
    diag[2] += select(0u, 1u, step1);
    diag[3] += select(0u, 1u, step2);
  }
}
