// Register-blocked GEMM. A workgroup of TX×TY threads computes a (4·TY)×(4·TX) tile of c; each
// thread owns a 4×4 block, kept in four vec4 accumulators. K advances TK at a time: the A and
// B slices of the tile are staged in workgroup memory k-major, so the inner loop reads one vec4
// of A and one of B per k and does four vec4 FMAs (16 MACs per two shared loads). Two barriers
// per K step. With split-K the z index is batch × slice (common.wgsl) and c a slice's partial.
// Concatenated after common.wgsl and one of io-scalar.wgsl / io-vec4.wgsl, which define
// load_a4 / load_b4 / load_bias4 / store_c4 on the stored layouts.

override TX: u32 = 16u;
override TY: u32 = 16u;
override TK: u32 = 16u; // a multiple of 4; TK·4·TY/4 and TK·4·TX/4 multiples of TX·TY

// As[k · TY + i][r] = A[m0 + 4i + r, k0 + k]; Bs[k · TX + j][r] = B[k0 + k, n0 + 4j + r].
var<workgroup> As: array<vec4<f32>, TK * TY>;
var<workgroup> Bs: array<vec4<f32>, TK * TX>;

// Copies A[m0 .. m0+4·TY, k0 .. k0+TK] into As with 16-byte loads along a's stored rows.
fn stage_a(batch: u32, m0: u32, k0: u32, t: u32) {
  for (var q = t; q < TK * TY; q += TX * TY) {
    if (TRANS_A) {
      // Stored [K, M]: a stored row is one k, contiguous in m, so it lands as a whole vec4.
      let k = q / TY;
      let i = q % TY;
      As[k * TY + i] = load_a4(batch, k0 + k, m0 + 4u * i);
    } else {
      // Stored [M, K]: four consecutive k of one m, scattered to four k-rows of the tile.
      let m = q / (TK / 4u);
      let k = 4u * (q % (TK / 4u));
      let v = load_a4(batch, m0 + m, k0 + k);
      for (var r = 0u; r < 4u; r++) {
        As[(k + r) * TY + m / 4u][m % 4u] = v[r];
      }
    }
  }
}

fn stage_b(batch: u32, n0: u32, k0: u32, t: u32) {
  for (var q = t; q < TK * TX; q += TX * TY) {
    if (TRANS_B) {
      // Stored [N, K]: four consecutive k of one n.
      let n = q / (TK / 4u);
      let k = 4u * (q % (TK / 4u));
      let v = load_b4(batch, n0 + n, k0 + k);
      for (var r = 0u; r < 4u; r++) {
        Bs[(k + r) * TX + n / 4u][n % 4u] = v[r];
      }
    } else {
      let k = q / TX;
      let j = q % TX;
      Bs[k * TX + j] = load_b4(batch, k0 + k, n0 + 4u * j);
    }
  }
}

@compute @workgroup_size(TX, TY, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let batch = wid.z / p.splits;
  let ks = k_range(p, wid.z);
  let m0 = wid.y * 4u * TY;
  let n0 = wid.x * 4u * TX;
  let t = lid.y * TX + lid.x;
  var acc = array<vec4<f32>, 4>();
  for (var k0 = ks.x; k0 < ks.y; k0 += TK) {
    stage_a(batch, m0, k0, t);
    stage_b(batch, n0, k0, t);
    workgroupBarrier();
    // Only the k that exist: the last step may be short. The bound is not a constant, which
    // also keeps compilers from unrolling the loop (lavapipe then compiles 3-4× faster).
    for (var k = 0u; k < min(TK, ks.y - k0); k++) {
      let av = As[k * TY + lid.y];
      let bv = Bs[k * TX + lid.x];
      acc[0] = fma(vec4(av.x), bv, acc[0]);
      acc[1] = fma(vec4(av.y), bv, acc[1]);
      acc[2] = fma(vec4(av.z), bv, acc[2]);
      acc[3] = fma(vec4(av.w), bv, acc[3]);
    }
    workgroupBarrier();
  }
  let col = n0 + 4u * lid.x;
  var shift = vec4(0.0);
  if (HAS_BIAS) {
    shift = load_bias4(col);
  }
  for (var r = 0u; r < 4u; r++) {
    store_c4(wid.z, m0 + 4u * lid.y + r, col, activate(acc[r] + shift));
  }
}
