// Public-key RLWE encryption in the NTT domain (BGV): out_j = pk_j * u + t * e_j + [j = 0] m,
// with pk [2, pk_k, N], u and m [B, k, N], e [B, 2, k, N]. Needs modarith.wgsl in front.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,   // B * 2 * k
  k: u32,
  base: u32,
  pk_k: u32,
}

@group(0) @binding(0) var<storage, read> pk: array<u32>;
@group(0) @binding(1) var<storage, read> u: array<u32>;
@group(0) @binding(2) var<storage, read> e: array<u32>;
@group(0) @binding(3) var<storage, read> m: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
@group(0) @binding(5) var<storage, read> primes: array<Prime>;
@group(0) @binding(6) var<storage, read> t: array<vec2<u32>>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let limb = r % p.k;
  let part = (r / p.k) % 2u;
  let ct = r / (2u * p.k);
  let prime = p.base + limb;
  let pr = primes[prime];
  let col = i & ((1u << p.log_n) - 1u);
  let poly = ((ct * p.k + limb) << p.log_n) + col;
  let pku = mul_mod(pk[((part * p.pk_k + limb) << p.log_n) + col], u[poly], pr);
  var v = add_mod(pku, shoup_mul(e[i], t[prime].x, t[prime].y, pr.q), pr.q);
  if (part == 0u) {
    v = add_mod(v, m[poly], pr.q);
  }
  out[i] = v;
}
