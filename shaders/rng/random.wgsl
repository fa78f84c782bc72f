// Random fills (needs philox.wgsl and stream.wgsl first). One thread per quad of four elements
// (one Philox call).
//   bits: the raw u32 words
//   fill: scale·N(0,1) + shift with NORMAL, else scale·U[0,1) + shift

override NORMAL: bool;

struct Params {
  n: u32,
  seed: u32,
  stream: u32,
  rng_step: u32,
  scale: f32,
  shift: f32,
}

@group(0) @binding(0) var<storage, read_write> bits_out: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn bits(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = rng_thread_quad(gid, nwg);
  let len = rng_quad_len(quad, p.n);
  if (len == 0u) {
    return;
  }
  let words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  for (var k = 0u; k < len; k++) {
    bits_out[quad * 4u + k] = words[k];
  }
}

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = rng_thread_quad(gid, nwg);
  let len = rng_quad_len(quad, p.n);
  if (len == 0u) {
    return;
  }
  let words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  var v: vec4<f32>;
  if (NORMAL) {
    v = rng_normal4(words);
  } else {
    v = vec4<f32>(rng_uniform(words.x), rng_uniform(words.y), rng_uniform(words.z), rng_uniform(words.w));
  }
  for (var k = 0u; k < len; k++) {
    out[quad * 4u + k] = p.scale * v[k] + p.shift;
  }
}
