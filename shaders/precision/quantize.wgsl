// Conversions between f32 and a small format (needs philox.wgsl, grid.wgsl and tally.wgsl first).
//   to_grid:        f32 -> f32 on the grid (bits; a NaN's payload is not kept)
//   encode:         f32 -> codes packed 32 / (1+E+M) per word (FP8: four, 16-bit: two)
//   encode_counted: encode, also adding to counts[0] the nonzero inputs that became zero
//                   (underflow) and to counts[1] the nonzero inputs
//   decode:         packed codes -> f32
// to_grid/encode: one thread per Philox quad of four elements, so element 4·quad + k uses word k
// of the quad's draw when MODE is stochastic (see philox.wgsl for the key/counter convention).
// f32 data is bound as u32 words: values are read and written as bits, never as floats.

// The format (src/precision/format.ts, gridConstants) and the rounding mode have no defaults here:
// TypeScript passes them with every dispatch, so a format is written in one place only.
override FMT_E: u32;
override FMT_M: u32;
override FMT_EMIN: i32;
override FMT_MAX: u32;
override MODE: u32;
override WG: u32 = 256u;

struct Params {
  n: u32,
  seed: u32,
  stream: u32,
  rng_step: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

fn grid_format() -> GridFormat {
  return GridFormat(FMT_E, FMT_M, FMT_EMIN, FMT_MAX);
}

fn flat_id(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// The four elements of a quad rounded onto the grid (f32 bits; zero past the end).
fn round_block(quad: u32) -> vec4<u32> {
  var words = vec4<u32>(0u);
  if (MODE == ROUND_SR) {
    words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  }
  var v = vec4<u32>(0u);
  for (var k = 0u; k < 4u; k++) {
    let i = quad * 4u + k;
    if (i < p.n) {
      v[k] = grid_round(x[i], grid_format(), MODE, words[k]);
    }
  }
  return v;
}

// Writes the quad's codes; returns (underflows, nonzero inputs).
fn encode_block(quad: u32) -> vec2<u32> {
  let v = round_block(quad);
  let width = 1u + FMT_E + FMT_M;
  let per_word = 32u / width;
  var stats = vec2<u32>(0u);
  for (var w = 0u; w < 4u / per_word; w++) {
    let first = quad * 4u + w * per_word;
    if (first < p.n) {
      var word = 0u;
      for (var j = 0u; j < per_word; j++) {
        let k = w * per_word + j;
        if (first + j < p.n) {
          word = word | (grid_encode(v[k], grid_format()) << (j * width));
          let nonzero = (x[first + j] & 0x7fffffffu) != 0u;
          stats = stats + vec2<u32>(select(0u, 1u, nonzero && (v[k] & 0x7fffffffu) == 0u), select(0u, 1u, nonzero));
        }
      }
      out[quad * (4u / per_word) + w] = word;
    }
  }
  return stats;
}

@compute @workgroup_size(WG)
fn to_grid(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = flat_id(gid, nwg);
  if (quad * 4u >= p.n) {
    return;
  }
  let v = round_block(quad);
  for (var k = 0u; k < 4u; k++) {
    if (quad * 4u + k < p.n) {
      out[quad * 4u + k] = v[k];
    }
  }
}

@compute @workgroup_size(WG)
fn encode(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = flat_id(gid, nwg);
  if (quad * 4u < p.n) {
    encode_block(quad);
  }
}

@compute @workgroup_size(WG)
fn encode_counted(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let quad = flat_id(gid, nwg);
  if (quad * 4u < p.n) {
    tally_add(encode_block(quad));
  }
  tally_flush(lid);
}

@compute @workgroup_size(WG)
fn decode(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_id(gid, nwg);
  if (i >= p.n) {
    return;
  }
  let width = 1u + FMT_E + FMT_M;
  let per_word = 32u / width;
  let code = (x[i / per_word] >> ((i % per_word) * width)) & ((1u << width) - 1u);
  out[i] = grid_decode(code, grid_format());
}
