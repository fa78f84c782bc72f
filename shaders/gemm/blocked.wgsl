// Register-blocked GEMM with no workgroup memory and no barriers, for CPU adapters (lavapipe,
// SwiftShader). There a workgroup runs on one CPU thread, its invocations spread over SIMD lanes:
// a barrier splits the kernel into pieces the driver loops over, and workgroup memory is just
// another copy of data already in cache. Each invocation computes an 8×8 block of c as sixteen
// vec4 accumulators and reads A and B straight from storage, four k at a time: per four k it
// loads eight vec4 of A and eight of B and does 64 vec4 FMAs (each loaded vec4 used 8 times).
// Concatenated after common.wgsl and io-scalar.wgsl / io-vec4.wgsl (load_a4 ... store_c4). With
// split-K the z index is batch × slice (common.wgsl) and c a slice's partial.

override WX: u32 = 8u;
override WY: u32 = 8u;

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let z = gid.z;
  let batch = z / p.splits;
  let ks = k_range(p, z);
  let row0 = 8u * gid.y;
  let col0 = 8u * gid.x;
  if (row0 >= p.m || col0 >= p.n) {
    return;
  }
  // acc[2r + h] = c[row0 + r, col0 + 4h .. col0 + 4h + 3]
  var acc = array<vec4<f32>, 16>();
  // k_slice is a multiple of 4, so a slice's last step reads past its end only past K (zeros).
  for (var k0 = ks.x; k0 < ks.y; k0 += 4u) {
    // av[r][q] = A[row0 + r, k0 + q]
    var av = array<vec4<f32>, 8>();
    if (TRANS_A) {
      for (var q = 0u; q < 4u; q++) {
        let lo = load_a4(batch, k0 + q, row0);
        let hi = load_a4(batch, k0 + q, row0 + 4u);
        for (var r = 0u; r < 4u; r++) {
          av[r][q] = lo[r];
          av[r + 4u][q] = hi[r];
        }
      }
    } else {
      for (var r = 0u; r < 8u; r++) {
        av[r] = load_a4(batch, row0 + r, k0);
      }
    }
    // bv[2q + h] = B[k0 + q, col0 + 4h .. col0 + 4h + 3]
    var bv = array<vec4<f32>, 8>();
    if (TRANS_B) {
      for (var j = 0u; j < 8u; j++) {
        let v = load_b4(batch, col0 + j, k0);
        for (var q = 0u; q < 4u; q++) {
          bv[2u * q + j / 4u][j % 4u] = v[q];
        }
      }
    } else {
      for (var q = 0u; q < 4u; q++) {
        bv[2u * q] = load_b4(batch, k0 + q, col0);
        bv[2u * q + 1u] = load_b4(batch, k0 + q, col0 + 4u);
      }
    }
    for (var q = 0u; q < 4u; q++) {
      for (var r = 0u; r < 8u; r++) {
        let a = vec4(av[r][q]);
        acc[2u * r] = fma(a, bv[2u * q], acc[2u * r]);
        acc[2u * r + 1u] = fma(a, bv[2u * q + 1u], acc[2u * r + 1u]);
      }
    }
  }
  for (var h = 0u; h < 2u; h++) {
    let col = col0 + 4u * h;
    var shift = vec4(0.0);
    if (HAS_BIAS) {
      shift = load_bias4(col);
    }
    for (var r = 0u; r < 8u; r++) {
      store_c4(z, row0 + r, col, activate(acc[2u * r + h] + shift));
    }
  }
}
