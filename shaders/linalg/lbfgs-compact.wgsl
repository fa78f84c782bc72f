// The small middle of the compact L-BFGS product (Byrd, Nocedal & Schnabel 1994, Thm 2.2) with
// H₀ = γI and the stored pairs s_0…s_{m−1} oldest first:
//   H·d = γd + S·u − γY·t,  R t = Sᵀd,  Rᵀ u = (Δ + γYᵀY) t − γYᵀd,
// R = the upper triangle of SᵀY (R_il = s_iᵀy_l, i ≤ l), Δ its diagonal. The caller's GEMMs
// give gram = SY·SYᵀ [2cap, 2cap] and w = SY·D [2cap, cols] (SY as in lbfgs.wgsl), and then
// H·D = γD + SYᵀ·coef; this kernel turns w into coef [2cap, cols]: u in the rows of the s
// slots, −γt in the rows of the y slots, 0 in unused slots. One thread per column, O(m²) work:
// every column shares the p×p matrices, which stay in cache, and threads of a warp touch
// neighbouring columns of the same row.

struct CoefParams {
  cols: u32,
  cap: u32,
  gamma: f32,
}

@group(0) @binding(0) var<storage, read> ring: array<u32>;
@group(0) @binding(1) var<storage, read> gram: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> coef: array<f32>;
@group(0) @binding(4) var<uniform> cp: CoefParams;

// Ring slot of the i-th oldest stored pair.
fn slot(i: u32, count: u32, head: u32) -> u32 {
  return (head + cp.cap - count + i) % cp.cap;
}

// Gram entry of rows a and b of SY.
fn gr(a: u32, b: u32) -> f32 {
  return gram[a * 2u * cp.cap + b];
}

@compute @workgroup_size(64)
fn coefficients(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= cp.cols) {
    return;
  }
  let m = ring[0];
  let head = ring[1];
  let c = cp.cols;
  let cap = cp.cap;
  for (var r = 0u; r < 2u * cap; r++) {
    coef[r * c + j] = 0.0;
  }
  // R t = Sᵀd by back substitution; t goes to the y rows.
  for (var i = m; i > 0u; i--) {
    let ki = slot(i - 1u, m, head);
    var acc = w[ki * c + j];
    for (var l = i; l < m; l++) {
      let kl = slot(l, m, head);
      acc -= gr(ki, cap + kl) * coef[(cap + kl) * c + j];
    }
    coef[(cap + ki) * c + j] = acc / gr(ki, cap + ki);
  }
  // (Δ + γYᵀY) t − γYᵀd into the s rows.
  for (var i = 0u; i < m; i++) {
    let ki = slot(i, m, head);
    var yy = 0.0;
    for (var l = 0u; l < m; l++) {
      let kl = slot(l, m, head);
      yy = fma(gr(cap + ki, cap + kl), coef[(cap + kl) * c + j], yy);
    }
    let t = coef[(cap + ki) * c + j];
    coef[ki * c + j] = gr(ki, cap + ki) * t + cp.gamma * (yy - w[(cap + ki) * c + j]);
  }
  // Rᵀu = that, by forward substitution in place: row i needs only the u of older pairs.
  for (var i = 0u; i < m; i++) {
    let ki = slot(i, m, head);
    var acc = coef[ki * c + j];
    for (var l = 0u; l < i; l++) {
      let kl = slot(l, m, head);
      acc -= gr(kl, cap + ki) * coef[kl * c + j];
    }
    coef[ki * c + j] = acc / gr(ki, cap + ki);
  }
  for (var i = 0u; i < m; i++) {
    let ki = slot(i, m, head);
    coef[(cap + ki) * c + j] = -cp.gamma * coef[(cap + ki) * c + j];
  }
}
