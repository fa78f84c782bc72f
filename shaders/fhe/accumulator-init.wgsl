// The starting accumulator of a blind rotation, one per LWE input c: the trivial RLWE ciphertext
// (X^{-b~_c} * TV_{table[c]}, 0) over L limbs, with b~_c = lwe[c, n] already switched to [0, 2N).
// tv [T, L, N] residues → out [B, 2, L, N] in the coefficient domain over primes base..base+L-1.
// TFHE's ring is the case L = 1 (tfhe/kernels.ts), the rotation at the BGV modulus L = level
// (bgv/blind-rotate.ts). Needs modarith.wgsl and negacyclic-rotate.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,     // B * 2 * L
  n: u32,        // LWE dimension
  limbs: u32,    // L
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
  let limb = r % p.limbs;
  let part = (r / p.limbs) % 2u;
  if (part == 1u) {
    out[i] = 0u;
    return;
  }
  let c = r / (2u * p.limbs);
  let big_n = 1u << p.log_n;
  let x = i & (big_n - 1u);
  let b = lwe[c * (p.n + 1u) + p.n];
  let src = rotate_source(x, (2u * big_n - b) % (2u * big_n), big_n);
  let t = min(table[c], p.tables - 1u);
  let v = tv[((t * p.limbs + limb) << p.log_n) + src.x];
  out[i] = select(v, neg_mod(v, primes[p.base + limb].q), src.y == 1u);
}
