// Kronecker-factor statistics with an exponential moving average, in place:
//   f ← coef[0]·f + coef[1]·scale·X̃ᵀX̃
// X is [m, cols] row-major; X̃ = X, or [X | 1] (the homogeneous column of ones, for the input
// factor A of a layer with a bias) when HOMOGENEOUS. f is [n, n] with n = cols (+ 1).
// coef lives in a storage buffer so the owner can change the average's weights between runs of
// a compiled plan (plain sum for a warm start, no update at iteration 0, β afterwards);
// coef[0] = 0 overwrites f without reading it.
//
// Symmetric rank-m update (SYRK): only tiles on or above the diagonal run, and each
// off-diagonal tile writes its mirror too, which halves the work and keeps f exactly
// symmetric. A workgroup of 8×8 threads computes one 32×32 tile, each thread a 4×4 block in
// vec4 registers; X's rows are staged TK at a time (two barriers per TK rows).

override HOMOGENEOUS: bool = false;
override TK: u32 = 16u;

const T: u32 = 8u; // threads per side; tile side 4·T

struct Params {
  m: u32,
  cols: u32,
  n: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> f: array<f32>;
@group(0) @binding(2) var<storage, read> coef: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

// Xi[k·T + t] = X̃[k0 + k, i0 + 4t .. 4t+3]; Xj likewise for the tile's columns.
var<workgroup> Xi: array<vec4<f32>, TK * T>;
var<workgroup> Xj: array<vec4<f32>, TK * T>;

fn load_x(row: u32, col: u32) -> f32 {
  if (row >= p.m) {
    return 0.0;
  }
  if (col < p.cols) {
    return x[row * p.cols + col];
  }
  return select(0.0, 1.0, HOMOGENEOUS && col == p.cols);
}

fn load_x4(row: u32, col: u32) -> vec4<f32> {
  return vec4(load_x(row, col), load_x(row, col + 1u), load_x(row, col + 2u), load_x(row, col + 3u));
}

@compute @workgroup_size(T, T, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Tiles below the diagonal are the mirrors of tiles above it.
  if (wid.y > wid.x) {
    return;
  }
  let i0 = wid.y * 4u * T;
  let j0 = wid.x * 4u * T;
  let t = lid.y * T + lid.x;
  var acc = array<vec4<f32>, 4>();
  for (var k0 = 0u; k0 < p.m; k0 += TK) {
    for (var q = t; q < TK * T; q += T * T) {
      let k = q / T;
      let c = q % T;
      Xi[q] = load_x4(k0 + k, i0 + 4u * c);
      Xj[q] = load_x4(k0 + k, j0 + 4u * c);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let xi = Xi[k * T + lid.y];
      let xj = Xj[k * T + lid.x];
      acc[0] = fma(vec4(xi.x), xj, acc[0]);
      acc[1] = fma(vec4(xi.y), xj, acc[1]);
      acc[2] = fma(vec4(xi.z), xj, acc[2]);
      acc[3] = fma(vec4(xi.w), xj, acc[3]);
    }
    workgroupBarrier();
  }
  let keep = coef[0];
  let add = coef[1] * p.scale;
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + 4u * lid.y + r;
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + 4u * lid.x + c;
      if (i < p.n && j < p.n) {
        var v = add * acc[r][c];
        if (keep != 0.0) {
          v = fma(keep, f[i * p.n + j], v);
        }
        f[i * p.n + j] = v;
        if (wid.x != wid.y) {
          f[j * p.n + i] = v;
        }
      }
    }
  }
}
