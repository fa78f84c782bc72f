// Block-scaled FP8 GEMM (needs grid.wgsl and the ROUND_* codes first):
//   c = op(a) · op(b), op(x) = xᵀ when trans_ is set; a and b are f32, quantised as they are
//   staged: q = RNE onto the operand's FP8 grid of x · 2^-e, e the exponent of x's block
//   (ea / eb, from block-exponent.wgsl). For each run of 128 consecutive k (a K-block):
//     s = 0;  s = trunc14(s + qa · qb)  (k increasing; FP8 × FP8 products are exact in f32)
//     total = total + (s · 2^ea[m, block]) · 2^eb[block, n]   (f32: the promotion)
//   where trunc14 truncates the f32 sum onto the accumulator grid (ACC_*, (1,7,13)). Block
//   indices come from each operand's stored layout: element (r, c) of a stored matrix is in
//   block (r / block_rows) · blocks_per_row + c / block_cols.
// Exact twin: src/precision/block-scaled.ts (blockScaledGemm).
//
// Tiling as in shaders/gemm/fp8-chunked.wgsl: TX×TY threads, each owning a 4×4 block of c; K
// advances TK (a divisor of 128) at a time through workgroup memory holding quantised values.
// Scaling by a power of two is exact for results in f32's normal range; a product is exact, so
// a driver that fuses a multiply into the following add cannot change a result.

override A_E: u32;
override A_M: u32;
override A_EMIN: i32;
override A_MAX: u32;
override B_E: u32;
override B_M: u32;
override B_EMIN: i32;
override B_MAX: u32;
override ACC_E: u32;
override ACC_M: u32;
override ACC_EMIN: i32;
override ACC_MAX: u32;
override TX: u32 = 16u;
override TY: u32 = 16u;
override TK: u32 = 16u;

const PROMOTE: u32 = 128u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  trans_a: u32, // a is stored [K, M] (else [M, K])
  trans_b: u32, // b is stored [N, K] (else [K, N])
  a_block_rows: u32,
  a_block_cols: u32,
  a_blocks_per_row: u32,
  b_block_rows: u32,
  b_block_cols: u32,
  b_blocks_per_row: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read> ea: array<i32>;
@group(0) @binding(3) var<storage, read> eb: array<i32>;
@group(0) @binding(4) var<storage, read_write> c: array<u32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> As: array<vec4<f32>, TK * TY>;
var<workgroup> Bs: array<vec4<f32>, TK * TX>;

// 2^e as an f32, for -126 <= e <= 127.
fn pow2(e: i32) -> f32 {
  return bitcast<f32>(u32(e + 127) << 23u);
}

// Exponent of stored element (row, col)'s block.
fn a_exponent(row: u32, col: u32) -> i32 {
  return ea[(row / p.a_block_rows) * p.a_blocks_per_row + col / p.a_block_cols];
}

fn b_exponent(row: u32, col: u32) -> i32 {
  return eb[(row / p.b_block_rows) * p.b_blocks_per_row + col / p.b_block_cols];
}

// Stored element (row, col) of a / b quantised, zero outside the matrix.
fn load_a(row: u32, col: u32) -> f32 {
  let trans = p.trans_a != 0u;
  let rows = select(p.m, p.k, trans);
  let cols = select(p.k, p.m, trans);
  if (row >= rows || col >= cols) {
    return 0.0;
  }
  let x = bitcast<f32>(a[row * cols + col]) * pow2(-a_exponent(row, col));
  return grid_round_f32(x, GridFormat(A_E, A_M, A_EMIN, A_MAX), ROUND_RNE, 0u);
}

fn load_b(row: u32, col: u32) -> f32 {
  let trans = p.trans_b != 0u;
  let rows = select(p.k, p.n, trans);
  let cols = select(p.n, p.k, trans);
  if (row >= rows || col >= cols) {
    return 0.0;
  }
  let x = bitcast<f32>(b[row * cols + col]) * pow2(-b_exponent(row, col));
  return grid_round_f32(x, GridFormat(B_E, B_M, B_EMIN, B_MAX), ROUND_RNE, 0u);
}

// Block exponents of op(a)[m, k] and op(b)[k, n] (inside the matrices).
fn exponent_a(m: u32, k: u32) -> i32 {
  if (p.trans_a != 0u) {
    return a_exponent(k, m);
  }
  return a_exponent(m, k);
}

fn exponent_b(k: u32, n: u32) -> i32 {
  if (p.trans_b != 0u) {
    return b_exponent(n, k);
  }
  return b_exponent(k, n);
}

// Consecutive threads read consecutive stored elements in either layout.
fn stage(m0: u32, n0: u32, k0: u32, t: u32) {
  for (var q = t; q < TK * 4u * TY; q += TX * TY) {
    var m: u32;
    var k: u32;
    if (p.trans_a != 0u) {
      k = q / (4u * TY);
      m = q % (4u * TY);
      As[k * TY + m / 4u][m % 4u] = load_a(k0 + k, m0 + m);
    } else {
      m = q / TK;
      k = q % TK;
      As[k * TY + m / 4u][m % 4u] = load_a(m0 + m, k0 + k);
    }
  }
  for (var q = t; q < TK * 4u * TX; q += TX * TY) {
    var n: u32;
    var k: u32;
    if (p.trans_b != 0u) {
      n = q / TK;
      k = q % TK;
      Bs[k * TX + n / 4u][n % 4u] = load_b(n0 + n, k0 + k);
    } else {
      k = q / (4u * TX);
      n = q % (4u * TX);
      Bs[k * TX + n / 4u][n % 4u] = load_b(k0 + k, n0 + n);
    }
  }
}

fn acc_add(s: f32, x: f32) -> f32 {
  return grid_round_f32(s + x, GridFormat(ACC_E, ACC_M, ACC_EMIN, ACC_MAX), ROUND_TRUNC, 0u);
}

@compute @workgroup_size(TX, TY, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let m0 = wid.y * 4u * TY;
  let n0 = wid.x * 4u * TX;
  let t = lid.y * TX + lid.x;
  let row0 = m0 + 4u * lid.y;
  let col0 = n0 + 4u * lid.x;
  var partial = array<vec4<f32>, 4>();
  var total = array<vec4<f32>, 4>();
  for (var k0 = 0u; k0 < p.k; k0 += TK) {
    stage(m0, n0, k0, t);
    workgroupBarrier();
    let kn = min(TK, p.k - k0);
    for (var k = 0u; k < kn; k++) {
      let av = As[k * TY + lid.y];
      let bv = Bs[k * TX + lid.x];
      for (var r = 0u; r < 4u; r++) {
        for (var j = 0u; j < 4u; j++) {
          partial[r][j] = acc_add(partial[r][j], av[r] * bv[j]);
        }
      }
    }
    let end = k0 + kn;
    if (end % PROMOTE == 0u || end == p.k) {
      let kb = ((end - 1u) / PROMOTE) * PROMOTE;
      for (var r = 0u; r < 4u; r++) {
        let row = row0 + r;
        for (var j = 0u; j < 4u; j++) {
          let col = col0 + j;
          if (row < p.m && col < p.n) {
            total[r][j] = total[r][j] + (partial[r][j] * pow2(exponent_a(row, kb))) * pow2(exponent_b(kb, col));
          }
        }
        partial[r] = vec4<f32>(0.0);
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    for (var j = 0u; j < 4u; j++) {
      if (row < p.m && col0 + j < p.n) {
        c[row * p.n + col0 + j] = bitcast<u32>(total[r][j]);
      }
    }
  }
}
