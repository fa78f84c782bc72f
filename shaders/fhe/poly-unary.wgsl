// out = f(x) elementwise on residue rows (row r uses prime base + r % k):
// multiplication by a per-prime constant (Shoup), conversion to Montgomery form, negation.
// Needs modarith.wgsl in front.

// OP_MUL_CONSTANT (x·c), OP_TO_MONTGOMERY (x·2^32), OP_NEGATE (−x), from src/fhe/rns/poly.ts; an
// unknown code writes 0xffffffff, which is no residue of any prime.
override OP: u32;
override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  k: u32,
  base: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<storage, read> c: array<vec2<u32>>;   // (c mod p_i, Shoup companion)
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let prime = p.base + r % p.k;
  let pr = primes[prime];
  let v = x[i];
  switch OP {
    case OP_MUL_CONSTANT: { out[i] = shoup_mul(v, c[prime].x, c[prime].y, pr.q); }
    // REDC(v * 2^64 mod q) = v * 2^32 mod q.
    case OP_TO_MONTGOMERY: { out[i] = mont_mul(v, pr.r2, pr.q, pr.q_neg_inv); }
    case OP_NEGATE: { out[i] = select(pr.q - v, 0u, v == 0u); }
    default: { out[i] = 0xffffffffu; }
  }
}
