// Sample extraction: coefficient c of an RLWE ciphertext (c0, c1) over one prime q, in
// coefficient form, as an LWE sample (a, b) under the key's coefficient vector s with
//   b + <a, s> = (c0 + c1·s)[c]  (mod q):
//   a_j = c1[c − j] for j <= c,  a_j = −c1[N + c − j] for j > c (X^N = −1),  b = c0[c].
// One thread per a_j; thread 0 also writes b. Output rows are N + 1 words. Needs modarith.wgsl.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  count: u32,
  base: u32,
}

@group(0) @binding(0) var<storage, read> ct: array<u32>;       // [B, 2, 1, N] coefficients mod q
@group(0) @binding(1) var<storage, read> idx: array<u32>;      // [count] coefficient indices
@group(0) @binding(2) var<storage, read_write> out: array<u32>; // [B, count, N + 1]
@group(0) @binding(3) var<storage, read> primes: array<Prime>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let n = 1u << p.log_n;
  let j = i & (n - 1u);
  let c = idx[r % p.count];
  let c0 = ((r / p.count) * 2u) << p.log_n;
  let c1 = c0 + n;
  var a: u32;
  if (j <= c) {
    a = ct[c1 + c - j];
  } else {
    let v = ct[c1 + n + c - j];
    a = select(primes[p.base].q - v, 0u, v == 0u);
  }
  let o = r * (n + 1u);
  out[o + j] = a;
  if (j == 0u) {
    out[o + n] = ct[c0 + c];
  }
}
