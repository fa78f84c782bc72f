// First half of the packing key switch (LWE → RLWE, rlwe/pack.ts) over L RNS limbs (primes
// base..base+L-1): for each output group g and each coefficient x, the LWE that slot[g, x] names
// (k + 1, or 0 for none) contributes
//   row (c*L + j)*DG + t : balanced base-2^BETA digit t of a_c's residue mod q_j (centred into
//                          (-q_j/2, q_j/2]; the last digit keeps what is left, so
//                          sum_t d_t * 2^(BETA*t) = a_c mod q_j exactly), the same small integer
//                          in every limb (the RNS gadget: the key row carries q_j's CRT weight),
//   row n*L*DG           : b itself, limb by limb,
// and every other coefficient of every row is 0. Row r of group g is the polynomial
// sum_k d_r(a_k) * X^{pos_k}; the forward NTT and the key inner product with the packing key
// finish the switch.
// lwe [K, L, n + 1] residues → out [G, n*L*DG + 1, L, N] residues. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,      // G * (n * L * DG + 1) * L
  n: u32,         // LWE dimension
  limbs: u32,     // L
  digits: u32,    // DG
  log_base: u32,  // BETA
  base: u32,
}

@group(0) @binding(0) var<storage, read> lwe: array<u32>;
@group(0) @binding(1) var<storage, read> slot: array<u32>;
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
  let x = i & ((1u << p.log_n) - 1u);
  let limb = r % p.limbs;
  let per_group = p.n * p.limbs * p.digits + 1u;
  let g = r / (per_group * p.limbs);
  let row = (r / p.limbs) % per_group;
  let k1 = slot[(g << p.log_n) + x];
  if (k1 == 0u) {
    out[i] = 0u;
    return;
  }
  let sample = (k1 - 1u) * p.limbs;
  if (row + 1u == per_group) {
    out[i] = lwe[(sample + limb) * (p.n + 1u) + p.n];
    return;
  }
  let t = row % p.digits;
  let j = (row / p.digits) % p.limbs;
  let a = lwe[(sample + j) * (p.n + 1u) + row / (p.digits * p.limbs)];
  let q = primes[p.base + j].q;
  // q < 2^31: both the residue and its centred value fit an i32.
  var rest = select(i32(a), i32(a) - i32(q), a > q / 2u);
  let mask = (1 << p.log_base) - 1;
  let half_base = 1 << (p.log_base - 1u);
  var digit = 0;
  for (var step = 0u; step <= t; step++) {
    if (step + 1u == p.digits) {
      digit = rest;
    } else {
      digit = rest & mask;
      if (digit >= half_base) {
        digit -= 1 << p.log_base;
      }
      rest = (rest - digit) >> p.log_base;
    }
  }
  out[i] = select(u32(digit), u32(digit + i32(primes[p.base + limb].q)), digit < 0);
}
