// One thread per output element, a plain dot product over K: the oracle the faster kernels are
// tested against, and the fallback. Concatenated after common.wgsl and io-scalar.wgsl.

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  let m = gid.y;
  let batch = gid.z;
  if (m >= p.m || n >= p.n) {
    return;
  }
  // Element strides of the logical A[m, k] and B[k, n] in their stored layouts.
  let sa = select(vec2(p.k, 1u), vec2(1u, p.m), TRANS_A);
  let sb = select(vec2(p.n, 1u), vec2(1u, p.k), TRANS_B);
  let a0 = batch * p.a_batch + m * sa.x;
  let b0 = batch * p.b_batch + n * sb.y;
  var acc = 0.0;
  for (var k = 0u; k < p.k; k++) {
    acc = fma(a[a0 + k * sa.y], b[b0 + k * sb.x], acc);
  }
  if (HAS_BIAS) {
    acc += bias[n];
  }
  c[(batch * p.m + m) * p.n + n] = activate(vec4(acc)).x;
}
