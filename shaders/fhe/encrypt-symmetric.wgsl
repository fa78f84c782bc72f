// Secret-key RLWE encryption in the NTT domain, message in the low bits (BGV):
// out = (m - a*s + t*e, a), with a uniform, e small, all [B, k, N]; s is a longer key whose
// row for limb i is s_off + i. Keys (public, relinearization, Galois) are encryptions like this.
// Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,   // B * k
  k: u32,
  base: u32,
  s_off: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> s: array<u32>;
@group(0) @binding(2) var<storage, read> e: array<u32>;
@group(0) @binding(3) var<storage, read> m: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
@group(0) @binding(5) var<storage, read> primes: array<Prime>;
@group(0) @binding(6) var<storage, read> t: array<vec2<u32>>;   // t mod p_i, Shoup companion
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let prime = p.base + limb;
  let pr = primes[prime];
  let col = i & ((1u << p.log_n) - 1u);
  let av = a[i];
  let as_ = mul_mod(av, s[((p.s_off + limb) << p.log_n) + col], pr);
  let te = shoup_mul(e[i], t[prime].x, t[prime].y, pr.q);
  let part = p.k << p.log_n;
  let o = (r / p.k) * 2u * part + (limb << p.log_n) + col;
  out[o] = add_mod(sub_mod(m[i], as_, pr.q), te, pr.q);
  out[o + part] = av;
}
