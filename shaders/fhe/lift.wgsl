// Lifts one integer polynomial per input row to k residues: out[b, i] = value mod q_(base+i).
// SIGNED = 1: words are i32 (small secrets and errors from the CPU); SIGNED = 0: words are
// residues mod src_mod, read as their centered representative (a plaintext mod t).
// Needs modarith.wgsl in front.

override SIGNED: u32 = 1u;
override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  k: u32,
  base: u32,
  src_mod: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> primes: array<Prime>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let q = primes[p.base + r % p.k].q;
  let v = x[((r / p.k) << p.log_n) + (i & ((1u << p.log_n) - 1u))];
  var negative: bool;
  var magnitude: u32;
  if (SIGNED == 1u) {
    let s = bitcast<i32>(v);
    negative = s < 0;
    magnitude = u32(abs(s));   // |i32::MIN| wraps to 2^31 as u32, still exact
  } else {
    negative = v > p.src_mod / 2u;
    magnitude = select(v, p.src_mod - v, negative);
  }
  let m = magnitude % q;
  out[i] = select(m, select(q - m, 0u, m == 0u), negative);
}
