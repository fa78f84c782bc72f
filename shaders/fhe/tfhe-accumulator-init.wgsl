// The blind rotation's starting accumulator, one per LWE input c: the trivial RLWE ciphertext
// (X^{-b~_c} * TV_{table[c]}, 0), with b~_c = lwe[c, n] already switched to [0, 2N).
// out [B, 2, 1, N] in the coefficient domain mod primes[base]. Needs modarith.wgsl and
// negacyclic-rotate.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,     // 2B
  n: u32,        // LWE dimension
  tables: u32,   // T
  base: u32,
}

@group(0) @binding(0) var<storage, read> lwe: array<u32>;
@group(0) @binding(1) var<storage, read> tv: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@group(0) @binding(4) var<storage, read> primes: array<Prime>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  if (r % 2u == 1u) {
    out[i] = 0u;
    return;
  }
  let c = r / 2u;
  let big_n = 1u << p.log_n;
  let x = i & (big_n - 1u);
  let b = lwe[c * (p.n + 1u) + p.n];
  let src = rotate_source(x, (2u * big_n - b) % (2u * big_n), big_n);
  let t = min(table[c], p.tables - 1u);
  let v = tv[(t << p.log_n) + src.x];
  out[i] = select(v, neg_mod(v, primes[p.base].q), src.y == 1u);
}
