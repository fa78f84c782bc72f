// Limited-memory BFGS on the GPU: a ring of at most `cap` pairs kept as the rows of one matrix
// SY [2·cap, n] (rows 0…cap−1 hold s, rows cap…2cap−1 the matching y, so one GEMM reads both),
// and ring_info = [count, head] (head: the slot the next pair goes to). Needs workgroup-sum.wgsl.
// The product H·D is lbfgs-compact.wgsl with the GEMM kernels.
//
// append (one workgroup): stores (s, y) unless sᵀy ≤ 0, sᵀy ≤ skip_eps·(sᵀs)·‖g‖₂ or sᵀs is
//   not finite (the authors' test); the oldest pair drops out once the ring is full.
//   diag[0] / diag[1] count stored / rejected pairs.

struct AppendParams {
  n: u32,
  cap: u32,
  skip_eps: f32,
}

@group(0) @binding(0) var<storage, read_write> SY: array<f32>;
@group(0) @binding(1) var<storage, read_write> ring_info: array<u32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> diag: array<u32>;
@group(0) @binding(6) var<uniform> ap: AppendParams;

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
    SY[head * ap.n + i] = s[i];
    SY[(ap.cap + head) * ap.n + i] = y[i];
  }
  if (lid == 0u) {
    ring_info[0] = min(count + 1u, ap.cap);
    ring_info[1] = (head + 1u) % ap.cap;
    diag[0] += 1u;
  }
}
