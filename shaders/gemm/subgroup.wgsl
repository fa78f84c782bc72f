// GEMM sharing A through subgroup shuffles instead of workgroup memory: no barriers. A
// workgroup of WG invocations computes 8 rows × 4·WG columns of c; each invocation owns an
// 8×4 block (rows row0 .. row0+7, columns col0 .. col0+3) as eight vec4 accumulators. K advances
// one subgroup width at a time: lane l loads A[row0 + r, k0 + l] for its 8 rows, then for each
// of those k the subgroup broadcasts the 8 values with subgroupShuffle while every lane loads its
// vec4 of that row of B. Needs `enable subgroups;` and concatenation after common.wgsl and
// io-scalar.wgsl or io-f16.wgsl (scalar a_at / b_at). With split-K the z index is batch × slice.
// Control flow stays uniform (every lane runs every shuffle): lanes past N load zeros and skip
// their stores, and nothing returns early.

override WG: u32 = 64u;

// Stored index of A[m, k] / B[k, n] (op(a), op(b) of a's / b's matrix `batch`), or none
// outside the matrix.
fn a_elem(batch: u32, m: u32, k: u32) -> f32 {
  if (m >= p.m || k >= p.k) {
    return 0.0;
  }
  return a_at(batch * p.a_batch + select(m * p.k + k, k * p.m + m, TRANS_A));
}

fn b_row4(batch: u32, k: u32, n: u32) -> vec4<f32> {
  if (!TRANS_B) {
    return load_b4(batch, k, n);
  }
  var v = vec4(0.0);
  for (var j = 0u; j < 4u && n + j < p.n; j++) {
    v[j] = b_at(batch * p.b_batch + (n + j) * p.k + k);
  }
  return v;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) width: u32) {
  let z = wid.z;
  let batch = z / p.splits;
  let ks = k_range(p, z);
  let row0 = 8u * wid.y;
  let col0 = 4u * (wid.x * WG + li);
  var acc = array<vec4<f32>, 8>();
  for (var k0 = ks.x; k0 < ks.y; k0 += width) {
    // mine[r] = A[row0 + r, k0 + lane], zero past the slice.
    var mine = array<f32, 8>();
    if (k0 + lane < ks.y) {
      for (var r = 0u; r < 8u; r++) {
        mine[r] = a_elem(batch, row0 + r, k0 + lane);
      }
    }
    let steps = min(width, ks.y - k0);
    for (var j = 0u; j < steps; j++) {
      let bv = b_row4(batch, k0 + j, col0);
      for (var r = 0u; r < 8u; r++) {
        acc[r] = fma(vec4(subgroupShuffle(mine[r], j)), bv, acc[r]);
      }
    }
  }
  var shift = vec4(0.0);
  if (HAS_BIAS) {
    shift = load_bias4(col0);
  }
  for (var r = 0u; r < 8u; r++) {
    store_c4(z, row0 + r, col0, activate(acc[r] + shift));
  }
}
