// Damped SPD inversion X = (A + shift·I)⁻¹ by blocked Gauss–Jordan elimination without
// pivoting, in place in `inv` ([n, n], row-major). For an SPD matrix the pivots of the
// elimination are the diagonals of its successive Schur complements (the same numbers
// Cholesky takes square roots of): all are positive exactly when the matrix is SPD, so no
// pivoting is needed and a pivot that is not a positive finite number proves the matrix is not
// SPD (or not numerically so in f32). The first such pivot's index + 1 goes to status[0]
// (0: all pivots positive); the elimination goes on regardless, so read status before use.
//
// One block step k (block rows/cols K = [k0, k0 + bs), bs ≤ BS) with P = A_KK⁻¹:
//   A_Kj ← P·A_Kj (j ∉ K);  A_iK ← −A_iK·P;  A_ij ← A_ij − A_iK·P·A_Kj;  A_KK ← P   (i, j ∉ K)
// After every block has been a pivot block, inv = A⁻¹. Three dispatches per block:
//   pivot:      workgroup 0 inverts A_KK in workgroup memory (scalar Gauss–Jordan);
//               the others copy the column panel A_iK (i ∉ K) to `panel`;
//   row_panel:  A_Kj ← P·A_Kj, one thread per column j ∉ K;
//   trailing:   for rows i ∉ K:  A_ij ← [j ∉ K]·A_ij − panel_i·X_j with X = the new block row
//               (X_K = P, which makes A_iK = −A_iK·P fall out of the same product).
// shifted_copy starts it: inv = A + shift[0]·I (shift in a buffer: K-FAC's π-damping
// computes it on the GPU).

// Block size = trailing tile side, from src/kernels/linalg/spd-inverse.ts (INVERSE_BLOCK).
const BS: u32 = INVERSE_BLOCK;
const T: u32 = BS / 4u; // trailing: T×T threads, 4×4 outputs each
const PIVOT_WG: u32 = 256u;

struct Params {
  n: u32,
  // First row/column of the pivot block.
  k0: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> inv: array<f32>;
@group(0) @binding(2) var<storage, read> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> status: array<u32>;
@group(0) @binding(4) var<storage, read_write> panel: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

fn block_size() -> u32 {
  return min(BS, p.n - p.k0);
}

fn in_block(i: u32) -> bool {
  return i >= p.k0 && i < p.k0 + BS;
}

@compute @workgroup_size(256)
fn shifted_copy(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i == 0u) {
    status[0] = 0u;
  }
  if (i >= p.n * p.n) {
    return;
  }
  let on_diagonal = i % (p.n + 1u) == 0u;
  inv[i] = a[i] + select(0.0, shift[0], on_diagonal);
}

var<workgroup> blk: array<f32, BS * BS>;
var<workgroup> pivot_row: array<f32, BS>;
var<workgroup> pivot_col: array<f32, BS>;

@compute @workgroup_size(PIVOT_WG)
fn pivot(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let bs = block_size();
  if (wid.x > 0u) {
    // Column panel copy: rows i ∉ K, one element per thread.
    let e = (wid.x - 1u) * PIVOT_WG + lid;
    let i = e / bs;
    let t = e % bs;
    if (i < p.n && !in_block(i)) {
      panel[i * BS + t] = inv[i * p.n + p.k0 + t];
    }
    return;
  }
  for (var e = lid; e < bs * bs; e += PIVOT_WG) {
    blk[e] = inv[(p.k0 + e / bs) * p.n + p.k0 + e % bs];
  }
  workgroupBarrier();
  for (var t = 0u; t < bs; t++) {
    let piv = blk[t * bs + t];
    if (lid < bs) {
      pivot_row[lid] = blk[t * bs + lid];
      pivot_col[lid] = blk[lid * bs + t];
    }
    if (lid == 0u && !(piv > 0.0 && piv < 3.0e38) && status[0] == 0u) {
      status[0] = p.k0 + t + 1u;
    }
    workgroupBarrier();
    let r = 1.0 / piv;
    for (var e = lid; e < bs * bs; e += PIVOT_WG) {
      let row = e / bs;
      let col = e % bs;
      if (row == t && col == t) {
        blk[e] = r;
      } else if (row == t) {
        blk[e] = pivot_row[col] * r;
      } else if (col == t) {
        blk[e] = -pivot_col[row] * r;
      } else {
        blk[e] = blk[e] - pivot_col[row] * pivot_row[col] * r;
      }
    }
    workgroupBarrier();
  }
  for (var e = lid; e < bs * bs; e += PIVOT_WG) {
    inv[(p.k0 + e / bs) * p.n + p.k0 + e % bs] = blk[e];
  }
}

@compute @workgroup_size(64)
fn row_panel(@builtin(local_invocation_index) lid: u32, @builtin(global_invocation_id) gid: vec3<u32>) {
  let bs = block_size();
  // P = A_KK⁻¹ (written by `pivot`), staged for every thread of the workgroup.
  for (var e = lid; e < bs * bs; e += 64u) {
    blk[e] = inv[(p.k0 + e / bs) * p.n + p.k0 + e % bs];
  }
  workgroupBarrier();
  let j = gid.x;
  if (j >= p.n || in_block(j)) {
    return;
  }
  var col: array<f32, BS>;
  for (var t = 0u; t < bs; t++) {
    col[t] = inv[(p.k0 + t) * p.n + j];
  }
  for (var t = 0u; t < bs; t++) {
    var s = 0.0;
    for (var u = 0u; u < bs; u++) {
      s = fma(blk[t * bs + u], col[u], s);
    }
    inv[(p.k0 + t) * p.n + j] = s;
  }
}

// Cs[t·T + y] = panel[i0 + 4y .. 4y+3, t]; Xs[t·T + x] = inv[k0 + t, j0 + 4x .. 4x+3].
var<workgroup> Cs: array<vec4<f32>, BS * T>;
var<workgroup> Xs: array<vec4<f32>, BS * T>;

fn panel_at(i: u32, t: u32, bs: u32) -> f32 {
  return select(0.0, panel[i * BS + t], i < p.n && t < bs);
}

fn row_at(t: u32, j: u32, bs: u32) -> f32 {
  return select(0.0, inv[(p.k0 + t) * p.n + j], t < bs && j < p.n);
}

@compute @workgroup_size(T, T, 1)
fn trailing(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let i0 = wid.y * BS;
  // The pivot block's rows are final after row_panel (tiles are aligned with blocks).
  if (i0 == p.k0) {
    return;
  }
  let j0 = wid.x * BS;
  let bs = block_size();
  let tid = lid.y * T + lid.x;
  for (var q = tid; q < BS * T; q += T * T) {
    let t = q / T;
    let c = 4u * (q % T);
    Cs[q] = vec4(panel_at(i0 + c, t, bs), panel_at(i0 + c + 1u, t, bs), panel_at(i0 + c + 2u, t, bs), panel_at(i0 + c + 3u, t, bs));
    Xs[q] = vec4(row_at(t, j0 + c, bs), row_at(t, j0 + c + 1u, bs), row_at(t, j0 + c + 2u, bs), row_at(t, j0 + c + 3u, bs));
  }
  workgroupBarrier();
  var acc = array<vec4<f32>, 4>();
  for (var t = 0u; t < bs; t++) {
    let cv = Cs[t * T + lid.y];
    let xv = Xs[t * T + lid.x];
    acc[0] = fma(vec4(cv.x), xv, acc[0]);
    acc[1] = fma(vec4(cv.y), xv, acc[1]);
    acc[2] = fma(vec4(cv.z), xv, acc[2]);
    acc[3] = fma(vec4(cv.w), xv, acc[3]);
  }
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + 4u * lid.y + r;
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + 4u * lid.x + c;
      if (i < p.n && j < p.n) {
        let old = select(inv[i * p.n + j], 0.0, in_block(j));
        inv[i * p.n + j] = old - acc[r][c];
      }
    }
  }
}
