// Picks items of a batch by index: out[o] = x[idx[o]] where an item is rows_per_item rows of N
// words (a ciphertext, say). Repeats and reorders batches for pairwise products.

override WG: u32 = 256u;

struct Params {
  log_n: u32,
  rows: u32,
  rows_per_item: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r = i >> p.log_n;
  if (r >= p.rows) {
    return;
  }
  let src = idx[r / p.rows_per_item] * p.rows_per_item + r % p.rows_per_item;
  out[i] = x[(src << p.log_n) + (i & ((1u << p.log_n) - 1u))];
}
