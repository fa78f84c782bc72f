// Power-of-two scale exponents of a matrix in blocks, for block-scaled FP8 (needs nothing
// first): one workgroup per block finds the block's largest finite |x| (NaN and ±∞ do not
// count) and writes e, the smallest integer with amax · 2^-e <= the format's max, clamped to
// [-126, 126] (0 for an all-zero block). Integer ops on the f32 bits only.
// Exact twin: scaleExponent / blockExponents in src/precision/block-scaled.ts.

// f32 bits of the format's largest finite value (gridConstants(format).maxBits).
override FMT_MAX: u32;

struct Params {
  rows: u32, // stored matrix [rows, cols], row-major
  cols: u32,
  block_rows: u32,
  block_cols: u32,
  blocks_per_row: u32, // ceil(cols / block_cols)
  blocks: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> exps: array<i32>;
@group(0) @binding(2) var<uniform> p: Params;

const WG: u32 = 128u;
var<workgroup> part: array<u32, WG>;

// floor(log2) and the 23 fraction bits of a positive finite f32 (normalised for subnormals).
fn exponent_and_fraction(bits: u32) -> vec2<i32> {
  let field = bits >> 23u;
  if (field == 0u) {
    let top = 31u - countLeadingZeros(bits);
    return vec2<i32>(i32(top) - 149, i32((bits << (23u - top)) & 0x7fffffu));
  }
  return vec2<i32>(i32(field) - 127, i32(bits & 0x7fffffu));
}

fn scale_exponent(amax: u32) -> i32 {
  if (amax == 0u) {
    return 0;
  }
  let a = exponent_and_fraction(amax);
  let f = exponent_and_fraction(FMT_MAX);
  // amax / 2^(a.x - f.x) has the max's exponent: it fits when its fraction is not larger.
  return clamp(a.x - f.x + select(0, 1, a.y > f.y), -126, 126);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let blk = wid.x + wid.y * nwg.x;
  let r0 = (blk / p.blocks_per_row) * p.block_rows;
  let c0 = (blk % p.blocks_per_row) * p.block_cols;
  var amax = 0u;
  if (blk < p.blocks) {
    for (var i = lid; i < p.block_rows * p.block_cols; i += WG) {
      let r = r0 + i / p.block_cols;
      let c = c0 + i % p.block_cols;
      if (r < p.rows && c < p.cols) {
        let mag = x[r * p.cols + c] & 0x7fffffffu;
        if (mag < 0x7f800000u) {
          amax = max(amax, mag);
        }
      }
    }
  }
  part[lid] = amax;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      part[lid] = max(part[lid], part[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && blk < p.blocks) {
    exps[blk] = scale_exponent(part[0]);
  }
}
