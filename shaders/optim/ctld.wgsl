// Continuously tempered Langevin dynamics (CTLD, Ye et al. 2017), as reconstructed in our spec
// (mission/papers/ctld.md §2–§5). Needs hyper.wgsl and philox.wgsl first. Two entry points:
//
//   temper    one thread per chain: its tempering variable α. Reads the minibatch's mean loss, forms
//             U~ = N · loss, updates the running mean Abar of U~ in α's bin (adaptive biasing
//             force), then takes one SGHMC step of α under the force g'(α)(U~ − Abar) + φ'(α)
//             and stores g(α) (of α before the step) for this step's parameter updates.
//   langevin  one thread per four parameter elements (one Philox call): the SGHMC step
//               v ← (1 − a) v − lr (g(α) ∇L + wd θ) + sqrt(2 a T0 lr / N) ξ,   θ ← θ + v
//             with ∇L the mean-loss gradient (so lr ∇L = η ∇U~ with η = lr / N). The weight
//             decay is a prior that is not tempered. Friction a = 1 is SGLD (v is then just the step).
//
// State of the tempering variable: one f32 array `temper`, a header, then (mean, visits) per
// bin. Counts are f32 (exact to 2^24 steps). The word offsets T_ALPHA ... T_HEADER come from
// src/kernels/optim/ctld.ts (TEMPER), concatenated before this source.
//
// Chains: C independent samplers in one set of buffers (the toy study runs its seeds at once).
// Chain c has its own state block at c · words, its own loss[c] and trace row, its own α noise
// (Philox counter quad c), and owns the c-th of C equal consecutive slices of every parameter.

override WG: u32 = 256u;
// 1: subtract the running bin mean of U~ (adaptive biasing force); 0: plain continuous tempering.
override ABF: u32 = 1u;

struct TemperParams {
  // N: the minibatch mean loss times N estimates the summed potential U.
  n_data: f32,
  g_min: f32,
  delta1: f32,
  delta2: f32,
  alpha_max: f32,
  wall: f32,
  // α's step (η_α), friction (a_α) and the base temperature T0.
  eta: f32,
  friction: f32,
  t0: f32,
  bins: u32,
  trace_len: u32,
  seed: u32,
  stream: u32,
  chains: u32,
  // Words of one chain's state block.
  words: u32,
}

struct LangevinParams {
  n: u32,
  friction: f32,
  weight_decay: f32,
  // 2 a T0 / N: the noise variance per unit of learning rate.
  noise_scale: f32,
  seed: u32,
  stream: u32,
  // Elements of one chain's slice (n / chains) and words of one chain's state block.
  per_chain: u32,
  words: u32,
}

@group(0) @binding(0) var<storage, read_write> temper: array<f32>;
@group(0) @binding(1) var<storage, read> loss: array<f32>;
@group(0) @binding(2) var<storage, read_write> trace: array<f32>;
@group(0) @binding(3) var<uniform> tp: TemperParams;
@group(0) @binding(4) var<storage, read_write> param: array<f32>;
@group(0) @binding(5) var<storage, read> grad: array<f32>;
@group(0) @binding(6) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(7) var<storage, read> hyper: Hyper;
@group(0) @binding(8) var<storage, read> temper_in: array<f32>;
@group(0) @binding(9) var<uniform> lp: LangevinParams;

// g(α) and g'(α): 1 for |α| <= δ1, g_min for |α| >= δ2, a smoothstep S(u) = 3u² − 2u³ between.
fn coupling(alpha: f32) -> vec2<f32> {
  let s = abs(alpha);
  if (s <= tp.delta1) {
    return vec2<f32>(1.0, 0.0);
  }
  if (s >= tp.delta2) {
    return vec2<f32>(tp.g_min, 0.0);
  }
  let width = tp.delta2 - tp.delta1;
  let u = (s - tp.delta1) / width;
  let drop = 1.0 - tp.g_min;
  return vec2<f32>(1.0 - drop * u * u * (3.0 - 2.0 * u), -drop * 6.0 * u * (1.0 - u) * sign(alpha) / width);
}

// φ'(α) of the walls φ = (k_w / 2)(|α| − α_max)² outside [−α_max, α_max].
fn wall_force(alpha: f32) -> f32 {
  return tp.wall * max(abs(alpha) - tp.alpha_max, 0.0) * sign(alpha);
}

fn bin_of(alpha: f32) -> u32 {
  let at = floor((alpha + tp.alpha_max) / (2.0 * tp.alpha_max) * f32(tp.bins));
  return u32(clamp(at, 0.0, f32(tp.bins - 1u)));
}

@compute @workgroup_size(WG)
fn temper_step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= tp.chains) {
    return;
  }
  let o = c * tp.words;
  let alpha = temper[o + T_ALPHA];
  let steps = temper[o + T_STEPS];
  let energy = loss[c] * tp.n_data;
  let gg = coupling(alpha);
  // Running mean of U~ in α's bin, the current sample included (so a first visit gives no force).
  let at = o + T_HEADER + 2u * bin_of(alpha);
  let visits = temper[at + 1u] + 1.0;
  let mean = temper[at] + (energy - temper[at]) / visits;
  temper[at] = mean;
  temper[at + 1u] = visits;
  let bias = select(0.0, mean, ABF == 1u);
  let force = gg.y * (energy - bias) + wall_force(alpha);
  let xi = rng_normal4(rng_quad(tp.seed, tp.stream, c, u32(steps))).x;
  let v = (1.0 - tp.friction) * temper[o + T_VELOCITY] - tp.eta * force + sqrt(2.0 * tp.friction * tp.eta * tp.t0) * xi;
  if (u32(steps) < tp.trace_len) {
    trace[c * tp.trace_len + u32(steps)] = alpha;
  }
  temper[o + T_G] = gg.x;
  temper[o + T_COLD] = temper[o + T_COLD] + select(0.0, 1.0, gg.x == 1.0);
  temper[o + T_HOT] = temper[o + T_HOT] + select(0.0, 1.0, gg.x == tp.g_min);
  temper[o + T_ENERGY] = energy;
  temper[o + T_STEPS] = steps + 1.0;
  temper[o + T_VELOCITY] = v;
  temper[o + T_ALPHA] = alpha + v;
}

@compute @workgroup_size(WG)
fn langevin(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = gid.x + gid.y * nwg.x * WG;
  if (quad * 4u >= lp.n) {
    return;
  }
  let xi = rng_normal4(rng_quad(lp.seed, lp.stream, quad, hyper.step));
  let sigma = sqrt(lp.noise_scale * hyper.lr);
  for (var k = 0u; k < 4u; k++) {
    let i = quad * 4u + k;
    if (i < lp.n) {
      let g = temper_in[(i / lp.per_chain) * lp.words + T_G];
      let w = param[i];
      let v = (1.0 - lp.friction) * velocity[i] - hyper.lr * (g * grad[i] + lp.weight_decay * w) + sigma * xi[k];
      velocity[i] = v;
      param[i] = w + v;
    }
  }
}
