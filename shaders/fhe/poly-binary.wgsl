// out = a (op) b elementwise on residue rows; row r of a/out uses prime base + r % k.
// b is broadcast: its row for output row r is ((r / k) / b_div % b_mod) * k + r % k + b_off,
// which covers same-shape operands, one plaintext for a batch of ciphertexts, and a slice of
// a longer key. Needs modarith.wgsl in front.

// OP_ADD, OP_SUB, OP_MUL, OP_MUL_MONTGOMERY (b in Montgomery form: one REDC), from
// src/fhe/rns/poly.ts; an unknown code writes 0xffffffff, which is no residue of any prime.
override OP: u32;
override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  k: u32,
  base: u32,
  b_div: u32,
  b_mod: u32,
  b_off: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let pr = primes[p.base + limb];
  let b_row = ((r / p.k) / p.b_div % p.b_mod) * p.k + limb + p.b_off;
  let x = a[i];
  let y = b[(b_row << p.log_n) + (i & ((1u << p.log_n) - 1u))];
  switch OP {
    case OP_ADD: { out[i] = add_mod(x, y, pr.q); }
    case OP_SUB: { out[i] = sub_mod(x, y, pr.q); }
    case OP_MUL: { out[i] = mul_mod(x, y, pr); }
    case OP_MUL_MONTGOMERY: { out[i] = mont_mul(x, y, pr.q, pr.q_neg_inv); }
    default: { out[i] = 0xffffffffu; }
  }
}
