// First half of CMux step `step` of the blind rotation: for every accumulator c, the difference
// X^{a~_c} * ACC_c - ACC_c (a~_c = lwe[c, step], in [0, 2N)), centred into (-Q/2, Q/2] and cut
// into DG balanced base-2^BETA digits, least significant first; the last digit keeps what is
// left, so sum_t d_t * 2^(BETA*t) is exactly the centred difference (no rounding term).
// acc [B, 2, 1, N] coefficients mod Q = primes[base] → out [B, 2*DG, 1, N], row part*DG + t,
// each digit as a residue mod Q, ready for the forward NTT and the key inner product with the
// bootstrapping key's step (rlwe/ops.ts keyInnerProduct). Needs modarith.wgsl and
// negacyclic-rotate.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,      // B * 2 * DG
  n: u32,         // LWE dimension
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
  let t = r % p.digits;
  let part = (r / p.digits) % 2u;
  let c = r / (2u * p.digits);
  let q = primes[p.base].q;
  let row = (c * 2u + part) << p.log_n;
  let src = rotate_source(x, lwe[c * (p.n + 1u) + p.step], big_n);
  var v = acc[row + src.x];
  if (src.y == 1u) {
    v = neg_mod(v, q);
  }
  let diff = sub_mod(v, acc[row + x], q);
  // q < 2^31: both the residue and its centred value fit an i32.
  var rest = select(i32(diff), i32(diff) - i32(q), diff > q / 2u);
  let mask = (1 << p.log_base) - 1;
  let half_base = 1 << (p.log_base - 1u);
  var digit = 0;
  for (var j = 0u; j <= t; j++) {
    if (j + 1u == p.digits) {
      digit = rest;
    } else {
      digit = rest & mask;
      if (digit >= half_base) {
        digit -= 1 << p.log_base;
      }
      rest = (rest - digit) >> p.log_base;
    }
  }
  out[i] = select(u32(digit), u32(digit + i32(q)), digit < 0);
}
