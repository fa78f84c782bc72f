// The decryption inner product in the NTT domain: out = c0 + c1*s + c2*s^2 for ciphertexts
// [B, parts, k, N] (parts 2 or 3); s and s2 (= s^2) cover more primes, the row for limb i
// being s_off + i. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,   // B * k
  k: u32,
  base: u32,
  parts: u32,
  s_off: u32,
}

@group(0) @binding(0) var<storage, read> c: array<u32>;
@group(0) @binding(1) var<storage, read> s: array<u32>;
@group(0) @binding(2) var<storage, read> s2: array<u32>;
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
  let limb = r % p.k;
  let ct = r / p.k;
  let pr = primes[p.base + limb];
  let col = i & ((1u << p.log_n) - 1u);
  let part = p.k << p.log_n;
  let at = ct * p.parts * part + (limb << p.log_n) + col;
  let key_at = ((p.s_off + limb) << p.log_n) + col;
  var acc = add_mod(c[at], mul_mod(c[at + part], s[key_at], pr), pr.q);
  if (p.parts == 3u) {
    acc = add_mod(acc, mul_mod(c[at + 2u * part], s2[key_at], pr), pr.q);
  }
  out[i] = acc;
}
