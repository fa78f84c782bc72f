// Limited-memory BFGS on the GPU: a ring of at most `cap` pairs (rows of S and Y, [cap, n]),
// rho[k] = 1/(s_kᵀy_k), and ring_info = [count, head] (head: the slot the next pair goes to).
// Needs workgroup-sum.wgsl.
//
// append (one workgroup): stores (s, y) unless sᵀy ≤ 0, sᵀy ≤ skip_eps·(sᵀs)·‖g‖₂ or sᵀs is
//   not finite (the authors' test); the oldest pair drops out once the ring is full.
//   diag[0] / diag[1] count stored / rejected pairs.
// apply: out = H·d for every column of d ([n, cols]) at once, one thread per column, by the
//   two-loop recursion with H₀ = γI (Nocedal & Wright, Alg. 7.4):
//     q = d;  for k newest → oldest: α_k = ρ_k s_kᵀq,  q −= α_k y_k
//     r = γq; for k oldest → newest: β = ρ_k y_kᵀr,   r += (α_k − β) s_k
//   All columns share the pairs; α goes to `alpha` ([cap, cols]). Threads of a warp read
//   neighbouring columns of the same row, so the column walks are coalesced.

struct AppendParams {
  n: u32,
  cap: u32,
  skip_eps: f32,
}

struct ApplyParams {
  n: u32,
  cols: u32,
  cap: u32,
  gamma: f32,
}

@group(0) @binding(0) var<storage, read_write> S: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> rho: array<f32>;
@group(0) @binding(3) var<storage, read_write> ring_info: array<u32>;
@group(0) @binding(4) var<storage, read> s: array<f32>;
@group(0) @binding(5) var<storage, read> y: array<f32>;
@group(0) @binding(6) var<storage, read> g: array<f32>;
@group(0) @binding(7) var<storage, read_write> diag: array<u32>;
@group(0) @binding(8) var<uniform> ap: AppendParams;

@compute @workgroup_size(SUM_WG)
fn append(@builtin(local_invocation_index) lid: u32) {
  let count = ring_info[0];
  let head = ring_info[1];
  var a = vec4(0.0); // sᵀy, sᵀs, gᵀg
  for (var i = lid; i < ap.n; i += SUM_WG) {
    a += vec4(s[i] * y[i], s[i] * s[i], g[i] * g[i], 0.0);
  }
  a = workgroup_sum4(lid, a);
  // Every thread's read of ring_info must come before thread 0 advances it below: the sum's
  // workgroup barriers do not order storage memory, so without this a thread could store its
  // part of the pair in the next slot.
  storageBarrier();
  let ok = a.x > 0.0 && a.x > ap.skip_eps * a.y * sqrt(a.z) && finite(a.y) && finite(a.x);
  if (!ok) {
    if (lid == 0u) {
      diag[1] += 1u;
    }
    return;
  }
  for (var i = lid; i < ap.n; i += SUM_WG) {
    S[head * ap.n + i] = s[i];
    Y[head * ap.n + i] = y[i];
  }
  if (lid == 0u) {
    rho[head] = 1.0 / a.x;
    ring_info[0] = min(count + 1u, ap.cap);
    ring_info[1] = (head + 1u) % ap.cap;
    diag[0] += 1u;
  }
}

@group(0) @binding(0) var<storage, read> Sr: array<f32>;
@group(0) @binding(1) var<storage, read> Yr: array<f32>;
@group(0) @binding(2) var<storage, read> rhor: array<f32>;
@group(0) @binding(3) var<storage, read> ring_info_r: array<u32>;
@group(0) @binding(4) var<storage, read> d: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> alpha: array<f32>;
@group(0) @binding(7) var<uniform> pp: ApplyParams;

// Ring slot of the i-th oldest stored pair.
fn slot(i: u32, count: u32, head: u32) -> u32 {
  return (head + pp.cap - count + i) % pp.cap;
}

@compute @workgroup_size(64)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= pp.cols) {
    return;
  }
  let count = ring_info_r[0];
  let head = ring_info_r[1];
  let n = pp.n;
  let c = pp.cols;
  for (var r = 0u; r < n; r++) {
    out[r * c + j] = d[r * c + j];
  }
  for (var i = count; i > 0u; i--) {
    let k = slot(i - 1u, count, head);
    var dot = 0.0;
    for (var r = 0u; r < n; r++) {
      dot = fma(Sr[k * n + r], out[r * c + j], dot);
    }
    let a = rhor[k] * dot;
    alpha[k * c + j] = a;
    for (var r = 0u; r < n; r++) {
      out[r * c + j] = out[r * c + j] - a * Yr[k * n + r];
    }
  }
  for (var r = 0u; r < n; r++) {
    out[r * c + j] = pp.gamma * out[r * c + j];
  }
  for (var i = 0u; i < count; i++) {
    let k = slot(i, count, head);
    var dot = 0.0;
    for (var r = 0u; r < n; r++) {
      dot = fma(Yr[k * n + r], out[r * c + j], dot);
    }
    let b = alpha[k * c + j] - rhor[k] * dot;
    for (var r = 0u; r < n; r++) {
      out[r * c + j] = out[r * c + j] + b * Sr[k * n + r];
    }
  }
}
