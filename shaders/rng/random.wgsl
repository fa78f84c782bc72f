// Random fills (needs philox.wgsl first). One thread per quad of four elements (one Philox call).
//   bits: the raw u32 words
//   fill: DIST 0 — scale·U[0,1) + shift (uniform); DIST 1 — scale·N(0,1) + shift (normal)

override DIST: u32 = 0u;
override WG: u32 = 256u;

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
  let quad = gid.x + gid.y * nwg.x * WG;
  if (quad * 4u >= p.n) {
    return;
  }
  let words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  for (var k = 0u; k < 4u; k++) {
    let i = quad * 4u + k;
    if (i < p.n) {
      bits_out[i] = words[k];
    }
  }
}

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let quad = gid.x + gid.y * nwg.x * WG;
  if (quad * 4u >= p.n) {
    return;
  }
  let words = rng_quad(p.seed, p.stream, quad, p.rng_step);
  var v: vec4<f32>;
  if (DIST == 0u) {
    v = vec4<f32>(rng_uniform(words.x), rng_uniform(words.y), rng_uniform(words.z), rng_uniform(words.w));
  } else {
    v = rng_normal4(words);
  }
  for (var k = 0u; k < 4u; k++) {
    let i = quad * 4u + k;
    if (i < p.n) {
      out[i] = p.scale * v[k] + p.shift;
    }
  }
}
