// One thread per output element, a plain dot product over K: the oracle the faster kernels are
// tested against, and the kernel for tiny and matrix-vector outputs. Threads run along the
// flattened [M, N] output (consecutive threads, consecutive n), so an output of one row or one
// column keeps every thread of a workgroup busy. Concatenated after common.wgsl and io-scalar.wgsl.

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  let z = gid.z;
  let batch = z / p.splits;
  let ks = k_range(p, z);
  if (t >= p.m * p.n) {
    return;
  }
  let m = t / p.n;
  let n = t % p.n;
  // Element strides of the logical A[m, k] and B[k, n] in their stored layouts.
  let sa = select(vec2(p.k, 1u), vec2(1u, p.m), TRANS_A);
  let sb = select(vec2(p.n, 1u), vec2(1u, p.k), TRANS_B);
  let a0 = batch * p.a_batch + m * sa.x;
  let b0 = batch * p.b_batch + n * sb.y;
  var acc = 0.0;
  for (var k = ks.x; k < ks.y; k++) {
    acc = fma(a_at(a0 + k * sa.y), b_at(b0 + k * sb.x), acc);
  }
  if (HAS_BIAS) {
    acc += bias[n];
  }
  c[(z * p.m + m) * p.n + n] = activate(vec4(acc)).x;
}
