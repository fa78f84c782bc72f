// Negacyclic NTT over Z_q[X]/(X^N + 1) on rows of N u32 residues; row r uses prime base + r % k.
// Forward: Cooley-Tukey, psi^bitrev twiddles merged in, output bit-reversed. Inverse:
// Gentleman-Sande with psi^-bitrev twiddles and N^{-1} folded into the last stage.
// Stages whose butterflies stay inside a TILE-sized block run in workgroup memory
// (*_local, one dispatch for all of them); wider stages run one dispatch each from global
// memory (*_stage). Every dispatch reads src and writes dst; the host ping-pongs buffers.
// Needs modarith.wgsl in front.

override WG: u32 = 256u;
override TILE: u32 = 4096u;   // power of two <= N; 4096 u32 = 16 KiB, the default limit

struct NttParams {
  n: u32,
  rows: u32,
  k: u32,
  base: u32,
  log_t: u32,   // *_stage: log2 of the butterfly span t
}

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> tw: array<vec2<u32>>;   // (w, Shoup companion) per prime
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<uniform> p: NttParams;

var<workgroup> sh: array<u32, TILE>;

fn row_of(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y + wid.z * nwg.y;
}

fn fwd_butterfly(u: u32, v: u32, w: vec2<u32>, q: u32) -> vec2<u32> {
  let x = shoup_mul(v, w.x, w.y, q);
  return vec2<u32>(add_mod(u, x, q), sub_mod(u, x, q));
}

// GS butterfly; the stage with t = N/2 also multiplies by N^{-1} (its w is pre-scaled).
fn inv_butterfly(u: u32, v: u32, w: vec2<u32>, pr: Prime, last: bool) -> vec2<u32> {
  let s = add_mod(u, v, pr.q);
  let top = select(s, shoup_mul(s, pr.n_inv, pr.n_inv_s, pr.q), last);
  let ww = select(w, vec2<u32>(pr.last_inv, pr.last_inv_s), last);
  return vec2<u32>(top, shoup_mul(sub_mod(u, v, pr.q), ww.x, ww.y, pr.q));
}

// Where butterfly b of a row's global stage reads and writes, and its twiddle.
struct StageSite {
  prime: u32,
  at: u32,
  t: u32,
  w: vec2<u32>,
}

fn stage_site(row: u32, b: u32) -> StageSite {
  let prime = p.base + row % p.k;
  let t = 1u << p.log_t;
  let i = b >> p.log_t;
  let j = (i << (p.log_t + 1u)) + (b & (t - 1u));
  return StageSite(prime, row * p.n + j, t, tw[prime * p.n + (p.n >> (p.log_t + 1u)) + i]);
}

// One global-memory stage: one thread per butterfly (N/2 per row).
@compute @workgroup_size(WG)
fn fwd_stage(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = row_of(wid, nwg);
  let b = gid.x;
  if (row >= p.rows || b >= p.n / 2u) {
    return;
  }
  let site = stage_site(row, b);
  let pr = primes[site.prime];
  let at = site.at;
  let t = site.t;
  let w = site.w;
  let r = fwd_butterfly(src[at], src[at + t], w, pr.q);
  dst[at] = r.x;
  dst[at + t] = r.y;
}

@compute @workgroup_size(WG)
fn inv_stage(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = row_of(wid, nwg);
  let b = gid.x;
  if (row >= p.rows || b >= p.n / 2u) {
    return;
  }
  let site = stage_site(row, b);
  let pr = primes[site.prime];
  let at = site.at;
  let t = site.t;
  let w = site.w;
  let r = inv_butterfly(src[at], src[at + t], w, pr, 2u * t == p.n);
  dst[at] = r.x;
  dst[at + t] = r.y;
}

// All stages with span t <= TILE/2 for one TILE-sized block of one row (workgroup x = block).
fn local_stages(lid: u32, blk: u32, row: u32, forward: bool) {
  let prime = p.base + row % p.k;
  let pr = primes[prime];
  let origin = row * p.n + blk * TILE;
  for (var e = lid; e < TILE; e += WG) {
    sh[e] = src[origin + e];
  }
  workgroupBarrier();
  let log_tile = countTrailingZeros(TILE);
  for (var s = 0u; s < log_tile; s++) {
    // Forward spans shrink TILE/2 -> 1; inverse spans grow 1 -> TILE/2.
    let log_t = select(s, log_tile - 1u - s, forward);
    let t = 1u << log_t;
    for (var b = lid; b < TILE / 2u; b += WG) {
      let gb = blk * (TILE / 2u) + b;
      let i = gb >> log_t;
      let j = (i << (log_t + 1u)) + (gb & (t - 1u)) - blk * TILE;
      let w = tw[prime * p.n + (p.n >> (log_t + 1u)) + i];
      var r: vec2<u32>;
      if (forward) {
        r = fwd_butterfly(sh[j], sh[j + t], w, pr.q);
      } else {
        r = inv_butterfly(sh[j], sh[j + t], w, pr, 2u * t == p.n);
      }
      sh[j] = r.x;
      sh[j + t] = r.y;
    }
    workgroupBarrier();
  }
  for (var e = lid; e < TILE; e += WG) {
    dst[origin + e] = sh[e];
  }
}

@compute @workgroup_size(WG)
fn fwd_local(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = row_of(wid, nwg);
  if (row >= p.rows) {
    return;
  }
  local_stages(lid, wid.x, row, true);
}

@compute @workgroup_size(WG)
fn inv_local(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = row_of(wid, nwg);
  if (row >= p.rows) {
    return;
  }
  local_stages(lid, wid.x, row, false);
}
