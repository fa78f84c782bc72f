// Low-precision GEMM of Wang et al. 2018 (needs philox.wgsl and grid.wgsl first):
//   c = op(a) · op(b), op(x) = xᵀ when trans_ is set, every output a chunked sum
//   for each chunk of CL consecutive k:  s = 0;  s = round(s + a_mk · b_kn)  (k increasing)
//   total = round(total + s) after each chunk (the last one may be partial)
// where round() rounds onto the accumulation grid (FP16 (1,6,9) by default, binary16 as an
// ablation) with RNE, or stochastically (ACC_MODE = ROUND_SR; add i of output o draws word
// i mod 4 of Philox((seed, stream), (o, rng_step, i / 4, 0)); chunk sum j is add K + j).
// Operands are packed FP8 (1,5,2) codes (a_fp8 / b_fp8) or f32 rounded (RNE) onto the
// accumulation grid as they are loaded. FP8 × FP8 products are exact in FP16 (1,6,9); other
// products are rounded (RNE) onto the accumulation grid first (ROUND_PRODUCT).
// Exact twin: src/precision/gemm-reference.ts.
//
// Tiling as in tiled.wgsl: TX×TY threads, each owning a 4×4 block of c; K advances TK at a
// time through workgroup memory holding decoded values, k-major. Per product the inner loop
// does one f32 multiply, one f32 add and the integer rounding; the chunk and running totals
// are two sets of 4×4 registers. Adds into the f32 registers are exact or off by one f32 ulp
// only when the exponents differ by more than 13, which cannot change an RNE result on a
// 9-bit grid (spec §4). A product is exact, or rounded by integer ops before the add, so a
// driver that fuses the multiply into the add cannot change a result.

override ROUND_PRODUCT: bool = false;
// The format (src/precision/format.ts, gridConstants) and the rounding mode have no defaults here:
// TypeScript passes them with every dispatch, so a format is written in one place only.
override ACC_E: u32;
override ACC_M: u32;
override ACC_EMIN: i32;
override ACC_MAX: u32;
override ACC_MODE: u32;
override TX: u32 = 16u;
override TY: u32 = 16u;
override TK: u32 = 16u;

// Layout flags are uniforms, not overrides: they only steer the staging loads, so one
// pipeline serves the three training GEMMs and both operand kinds.
struct Params {
  m: u32,
  n: u32,
  k: u32,
  chunk: u32,
  trans_a: u32, // a is stored [K, M] (else [M, K])
  trans_b: u32, // b is stored [N, K] (else [K, N])
  a_fp8: u32, // a holds FP8 codes (else f32)
  b_fp8: u32,
  seed: u32,
  stream: u32,
  rng_step: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> c: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

// As[k · TY + i][r] = op(a)[m0 + 4i + r, k0 + k]; Bs[k · TX + j][r] = op(b)[k0 + k, n0 + 4j + r].
var<workgroup> As: array<vec4<f32>, TK * TY>;
var<workgroup> Bs: array<vec4<f32>, TK * TX>;

fn acc_format() -> GridFormat {
  return GridFormat(ACC_E, ACC_M, ACC_EMIN, ACC_MAX);
}

fn fp8_format() -> GridFormat {
  return GridFormat(5u, 2u, -14, 0x47600000u);
}

// Element i of an operand from the word holding it: an FP8 code, or f32 bits put on the grid.
fn operand_value(word: u32, i: u32, is_fp8: bool) -> f32 {
  if (is_fp8) {
    return bitcast<f32>(grid_decode((word >> ((i & 3u) * 8u)) & 0xffu, fp8_format()));
  }
  return bitcast<f32>(grid_round(word, acc_format(), ROUND_RNE, 0u));
}

// Stored element (row, col) of a / b, zero outside the matrix.
fn load_a(row: u32, col: u32) -> f32 {
  let trans = p.trans_a != 0u;
  let rows = select(p.m, p.k, trans);
  let cols = select(p.k, p.m, trans);
  if (row >= rows || col >= cols) {
    return 0.0;
  }
  let i = row * cols + col;
  let fp8 = p.a_fp8 != 0u;
  return operand_value(a[select(i, i / 4u, fp8)], i, fp8);
}

fn load_b(row: u32, col: u32) -> f32 {
  let trans = p.trans_b != 0u;
  let rows = select(p.k, p.n, trans);
  let cols = select(p.n, p.k, trans);
  if (row >= rows || col >= cols) {
    return 0.0;
  }
  let i = row * cols + col;
  let fp8 = p.b_fp8 != 0u;
  return operand_value(b[select(i, i / 4u, fp8)], i, fp8);
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

// Random word for add `add` of output (row, col): stochastic accumulation only, and only for
// outputs inside c (padding threads draw nothing).
fn add_random(row: u32, col: u32, add: u32) -> u32 {
  if (ACC_MODE != ROUND_SR || row >= p.m || col >= p.n) {
    return 0u;
  }
  let words = philox4x32_10(vec2<u32>(p.seed, p.stream), vec4<u32>(row * p.n + col, p.rng_step, add / 4u, 0u));
  return words[add % 4u];
}

fn acc_add(s: f32, x: f32, r: u32) -> f32 {
  return bitcast<f32>(grid_round(bitcast<u32>(s + x), acc_format(), ACC_MODE, r));
}

fn product(x: f32, y: f32) -> f32 {
  if (ROUND_PRODUCT) {
    return bitcast<f32>(grid_round(bitcast<u32>(x * y), acc_format(), ROUND_RNE, 0u));
  }
  return x * y;
}

@compute @workgroup_size(TX, TY, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let m0 = wid.y * 4u * TY;
  let n0 = wid.x * 4u * TX;
  let t = lid.y * TX + lid.x;
  let row0 = m0 + 4u * lid.y;
  let col0 = n0 + 4u * lid.x;
  var chunk = array<vec4<f32>, 4>();
  var total = array<vec4<f32>, 4>();
  var left = p.chunk; // products still to go into the current chunk
  var chunk_index = 0u;
  for (var k0 = 0u; k0 < p.k; k0 += TK) {
    stage(m0, n0, k0, t);
    workgroupBarrier();
    let kn = min(TK, p.k - k0);
    for (var k = 0u; k < kn; k++) {
      let av = As[k * TY + lid.y];
      let bv = Bs[k * TX + lid.x];
      let kk = k0 + k;
      for (var r = 0u; r < 4u; r++) {
        for (var j = 0u; j < 4u; j++) {
          let rand = add_random(row0 + r, col0 + j, kk);
          chunk[r][j] = acc_add(chunk[r][j], product(av[r], bv[j]), rand);
        }
      }
      left -= 1u;
      if (left == 0u || kk + 1u == p.k) {
        for (var r = 0u; r < 4u; r++) {
          for (var j = 0u; j < 4u; j++) {
            let rand = add_random(row0 + r, col0 + j, p.k + chunk_index);
            total[r][j] = acc_add(total[r][j], chunk[r][j], rand);
          }
          chunk[r] = vec4<f32>(0.0);
        }
        left = p.chunk;
        chunk_index += 1u;
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
