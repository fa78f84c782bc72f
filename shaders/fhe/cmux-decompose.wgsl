// First half of CMux step `step` of a blind rotation over L RNS limbs: for every accumulator c,
// the difference X^{a~_c} * ACC_c - ACC_c (a~_c = lwe[c, step], in [0, 2N)), cut by the RNS
// gadget: limb j's residue is centred into (-q_j/2, q_j/2] and split into DG balanced base-2^BETA
// digits, least significant first (the last keeps what is left, so the split is exact: no rounding
// term), and each digit, a small integer, is written as a residue of every limb. The bootstrapping
// key's row for (part, j, t) carries s_i * 2^(BETA*t) in limb j only (q_j's CRT weight), so the key
// inner product rebuilds s_i * diff mod Q_L with small digits. TFHE's ring is the case L = 1
// (tfhe/kernels.ts), the blind rotation at the BGV modulus the case L = level (bgv/blind-rotate.ts).
// acc [B, 2, L, N] coefficients → out [B, 2*L*DG, L, N], row (part*L + j)*DG + t.
// Needs modarith.wgsl and negacyclic-rotate.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,      // B * 2 * L * DG * L
  n: u32,         // LWE dimension
  limbs: u32,     // L
  step: u32,
  digits: u32,    // DG
  log_base: u32,  // BETA
  base: u32,
}

@group(0) @binding(0) var<storage, read> acc: array<u32>;
@group(0) @binding(1) var<storage, read> lwe: array<u32>;
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
  let big_n = 1u << p.log_n;
  let x = i & (big_n - 1u);
  let limb = r % p.limbs;
  let row = r / p.limbs;
  let t = row % p.digits;
  let j = (row / p.digits) % p.limbs;
  let part = (row / (p.digits * p.limbs)) % 2u;
  let c = row / (2u * p.digits * p.limbs);
  let q = primes[p.base + j].q;
  let poly = ((c * 2u + part) * p.limbs + j) << p.log_n;
  let src = rotate_source(x, lwe[c * (p.n + 1u) + p.step], big_n);
  var v = acc[poly + src.x];
  if (src.y == 1u) {
    v = neg_mod(v, q);
  }
  let diff = sub_mod(v, acc[poly + x], q);
  // q < 2^31: both the residue and its centred value fit an i32.
  var rest = select(i32(diff), i32(diff) - i32(q), diff > q / 2u);
  let mask = (1 << p.log_base) - 1;
  let half_base = 1 << (p.log_base - 1u);
  var digit = 0;
  for (var s = 0u; s <= t; s++) {
    if (s + 1u == p.digits) {
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
