// SGD on 16-bit master weights (Wang et al. 2018), in place (needs philox.wgsl, grid.wgsl,
// tally.wgsl and optim/hyper.wgsl first). The AXPY chain, every line rounded onto the weight
// grid with MODE (stochastic in the paper; RNE for the ablation that shows small updates being
// lost):
//   g = round(grad_scale·grad + weight_decay·w)     grad_scale = 1 / loss scale
//   v = round(momentum·v + g)                        v: the momentum buffer, also on the grid
//   w = round(w − lr·v)
// One thread per quad of four elements; line j of element 4·quad + k rounds with word k of
// Philox((seed, stream), (quad, hyper.step, j, 0)). hyper.step advances on the GPU once per
// optimizer step, so eager and compiled training both draw fresh words every step.
// The f32 arithmetic inside a line (one multiply-add) may be fused by the driver; that moves
// the pre-rounding value by at most one f32 ulp (spec §4).
// Entry axpy_counted also adds to counts[0] the updates lr·v ≠ 0 that round-to-nearest would
// discard (w − lr·v rounds back to w) and to counts[1] the updates lr·v ≠ 0.

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
  grad_scale: f32,
  momentum: f32,
  weight_decay: f32,
  seed: u32,
  stream: u32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentum_buffer: array<f32>;
@group(0) @binding(3) var<storage, read> hyper: Hyper;
@group(0) @binding(4) var<uniform> p: Params;
@group(0) @binding(5) var<storage, read_write> counts: array<atomic<u32>>;

fn weight_format() -> GridFormat {
  return GridFormat(FMT_E, FMT_M, FMT_EMIN, FMT_MAX);
}

fn line_words(quad: u32, line: u32) -> vec4<u32> {
  if (MODE != ROUND_SR) {
    return vec4<u32>(0u);
  }
  return philox4x32_10(vec2<u32>(p.seed, p.stream), vec4<u32>(quad, hyper.step, line, 0u));
}

// Updates the quad's elements; returns (updates round-to-nearest would lose, nonzero updates).
fn update_quad(quad: u32) -> vec2<u32> {
  let r0 = line_words(quad, 0u);
  let r1 = line_words(quad, 1u);
  let r2 = line_words(quad, 2u);
  let f = weight_format();
  var stats = vec2<u32>(0u);
  for (var k = 0u; k < 4u; k++) {
    let i = quad * 4u + k;
    if (i < p.n) {
      let w = param[i];
      let g = grid_round_f32(p.grad_scale * grad[i] + p.weight_decay * w, f, MODE, r0[k]);
      let v = grid_round_f32(p.momentum * momentum_buffer[i] + g, f, MODE, r1[k]);
      momentum_buffer[i] = v;
      let step = hyper.lr * v;
      param[i] = grid_round_f32(w - step, f, MODE, r2[k]);
      if (step != 0.0) {
        let lost = grid_round_f32(w - step, f, ROUND_RNE, 0u) == w;
        stats = stats + vec2<u32>(select(0u, 1u, lost), 1u);
      }
    }
  }
  return stats;
}

@compute @workgroup_size(WG)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = gid.x + gid.y * nwg.x * WG;
  if (quad * 4u < p.n) {
    update_quad(quad);
  }
}

@compute @workgroup_size(WG)
fn axpy_counted(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let quad = gid.x + gid.y * nwg.x * WG;
  if (quad * 4u < p.n) {
    tally_add(update_quad(quad));
  }
  tally_flush(lid);
}
