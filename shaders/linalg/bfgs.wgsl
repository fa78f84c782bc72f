// The BFGS update of an inverse-Hessian approximation H ([n, n]), needs workgroup-sum.wgsl:
//   H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1/(sᵀy)
//      = H + (ρ² yᵀHy + ρ) s sᵀ − ρ (s (Hy)ᵀ + (Hy) sᵀ)
// (Goldfarb et al. 2020, the authors' get_BFGS_formula), given hy = H·y.
// coef (one workgroup) decides and writes scal = [ρ, ρ² yᵀHy + ρ, accepted (1 or 0)]. The
// update is skipped (H kept) when sᵀy ≤ 0, when sᵀy ≤ skip_eps·(sᵀs)·‖g‖₂ (the authors' test, g
// the current mean pre-activation gradient), or when H⁺ could overflow: the increment's entries
// are bounded by |c₁|·sᵀs + 2ρ·‖s‖₂‖Hy‖₂, which must be finite and below 1e30 — the f32 form of
// the authors' "new H contains inf" test, decided before writing instead of after.
// diag[0] counts accepted updates, diag[1] skipped ones.
// rank2 (one thread per element) applies it when accepted.

struct Params {
  n: u32,
  skip_eps: f32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> hy: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> scal: array<f32>;
@group(0) @binding(5) var<storage, read_write> diag: array<u32>;
@group(0) @binding(6) var<storage, read_write> h: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(SUM_WG)
fn coef(@builtin(local_invocation_index) lid: u32) {
  var a = vec4(0.0); // sᵀy, sᵀs, yᵀHy, gᵀg
  var b = vec4(0.0); // (Hy)ᵀ(Hy)
  for (var i = lid; i < p.n; i += SUM_WG) {
    a += vec4(s[i] * y[i], s[i] * s[i], y[i] * hy[i], g[i] * g[i]);
    b.x += hy[i] * hy[i];
  }
  a = workgroup_sum4(lid, a);
  b = workgroup_sum4(lid, b);
  if (lid != 0u) {
    return;
  }
  let sy = a.x;
  let ss = a.y;
  let rho = 1.0 / sy;
  let c1 = rho * rho * a.z + rho;
  let bound = abs(c1) * ss + 2.0 * abs(rho) * sqrt(ss * b.x);
  let ok = sy > 0.0 && sy > p.skip_eps * ss * sqrt(a.w) && finite(c1) && finite(bound) && bound < 1.0e30;
  scal[0] = rho;
  scal[1] = c1;
  scal[2] = select(0.0, 1.0, ok);
  diag[select(1u, 0u, ok)] += 1u;
}

@compute @workgroup_size(256)
fn rank2(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * 256u;
  if (e >= p.n * p.n || scal[2] == 0.0) {
    return;
  }
  let i = e / p.n;
  let j = e % p.n;
  h[e] = h[e] + scal[1] * s[i] * s[j] - scal[0] * (s[i] * hy[j] + hy[i] * s[j]);
}

// add_scaled: acc ← acc + c·ax, one thread per element (K-BFGS variant C's y = A·s + λ_A·s).
struct AddParams {
  n: u32,
  c: f32,
}

@group(0) @binding(0) var<storage, read> ax: array<f32>;
@group(0) @binding(1) var<storage, read_write> acc: array<f32>;
@group(0) @binding(2) var<uniform> ad: AddParams;

@compute @workgroup_size(64)
fn add_scaled(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < ad.n) {
    acc[i] = acc[i] + ad.c * ax[i];
  }
}
