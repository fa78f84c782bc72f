// Inverted dropout (needs philox.wgsl and stream.wgsl first): out = x / (1 − p) where the
// element's uniform is >= p, else 0. The mask is never stored: the backward pass runs this same kernel on the
// gradient with the same seed, stream and step, so it regenerates the same mask.
// One thread per quad of four elements (one Philox call).

struct Params {
  n: u32,
  seed: u32,
  stream: u32,
  rng_step: u32,
  rate: f32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = rng_thread_quad(gid, nwg);
  let len = rng_quad_len(quad, p.n);
  if (len == 0u) {
    return;
  }
  let words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  for (var k = 0u; k < len; k++) {
    let i = quad * 4u + k;
    out[i] = select(0.0, x[i] * p.scale, rng_uniform(words[k]) >= p.rate);
  }
}
