// Per-element random kernels laid out one thread per Philox quad (needs philox.wgsl first):
// thread `quad` draws one rng_quad call and writes elements 4·quad .. 4·quad + 3 that lie below n.
// A function library with no entry point, shared by the fills (random.wgsl) and dropout.

override WG: u32 = 256u;

// This thread's quad on the 2-D grid that quadGrid (src/kernels/rng/random.ts) launches.
fn rng_thread_quad(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// How many of the quad's four elements lie below n: 0 for a thread past the end.
fn rng_quad_len(quad: u32, n: u32) -> u32 {
  if (quad * 4u >= n) {
    return 0u;
  }
  return min(4u, n - quad * 4u);
}
