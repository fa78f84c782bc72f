// out = a (op) b elementwise on residue rows; row r of a/out uses prime base + r % k.
// b is broadcast: its row for output row r is ((r / k) / b_div % b_mod) * k + r % k + b_off,
// which covers same-shape operands, one plaintext for a batch of ciphertexts, and a slice of
// a longer key. Needs modarith.wgsl in front.

override OP: u32 = 0u;   // 0 add, 1 sub, 2 mul, 3 mul by b in Montgomery form (one REDC)
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
    case 0u: { out[i] = add_mod(x, y, pr.q); }
    case 1u: { out[i] = sub_mod(x, y, pr.q); }
    case 2u: { out[i] = mul_mod(x, y, pr); }
    default: { out[i] = mont_mul(x, y, pr.q, pr.q_neg_inv); }
  }
}
