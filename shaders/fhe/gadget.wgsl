// Messages of a key-switching key: digit d carries c * s' in limb d + digit_off only (zero in
// every other limb), out [digits, e, N]. With c = P (the special prime) and RNS digits, the
// key's digit d decrypts to P * s' * [Q/q_d * (Q/q_d)^{-1} mod q_d]. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,   // digits * e
  e: u32,
  base: u32,
  digit_off: u32,
  s_off: u32,
}

@group(0) @binding(0) var<storage, read> s: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<storage, read> c: array<vec2<u32>>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.e;
  let digit = r / p.e;
  let prime = p.base + limb;
  let col = i & ((1u << p.log_n) - 1u);
  var v = 0u;
  if (limb == digit + p.digit_off) {
    v = shoup_mul(s[((p.s_off + limb) << p.log_n) + col], c[prime].x, c[prime].y, primes[prime].q);
  }
  out[i] = v;
}
