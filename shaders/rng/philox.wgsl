// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), a
// counter-based generator: the output is a pure function of (key, counter), so any thread can
// draw any element's numbers with no state, and a backward pass can regenerate a forward mask.
// A function library with no entry point: kernels concatenate it before their own source.
// Bit-exact twin: src/kernels/rng/philox.ts (tested against the Random123 known answers).
//
// Convention shared by every random kernel (dropout, fills, Langevin noise, stochastic rounding):
//   key     = (seed, stream)        seed: the user's; stream: unique per op, taken from
//                                  runtime().rngStreams++ when the op is created
//   counter = (quad, rng_step, 0, 0)
//             quad: element index / 4 — one call yields four u32, used by elements
//                   4·quad + 0..3 in order (word k for element 4·quad + k)
//             rng_step: the uniform member the executor fills with the compiled step's count
//                    (0 for eager ops), so a compiled plan draws fresh numbers every step
// Counter words 2 and 3 stay 0 for kernels that need more than four words per element.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// High 32 bits of the 64-bit product a·b from 16-bit halves (WGSL has no 64-bit integers).
// Every partial product fits a u32, and the carry sum `mid` stays below 3·2¹⁶.
fn philox_mulhi(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32_10(key: vec2<u32>, counter: vec4<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    if (round > 0u) {
      k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
    }
    let hi0 = philox_mulhi(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = philox_mulhi(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}

// The four words for elements 4·quad .. 4·quad + 3 under the convention above.
fn rng_quad(seed: u32, stream: u32, quad: u32, step: u32) -> vec4<u32> {
  return philox4x32_10(vec2<u32>(seed, stream), vec4<u32>(quad, step, 0u, 0u));
}

// Uniform in [0, 1) from the top 24 bits: exact in f32, so every value is equally likely.
fn rng_uniform(bits: u32) -> f32 {
  return f32(bits >> 8u) * 5.9604644775390625e-8; // 2^-24
}

// Uniform in (0, 1]: safe to take the log of.
fn rng_uniform_open0(bits: u32) -> f32 {
  return f32((bits >> 8u) + 1u) * 5.9604644775390625e-8;
}

// Four standard normals by Box–Muller on word pairs (x, y) and (z, w). The radius comes from a
// (0, 1] uniform, so |value| <= sqrt(2·24·ln 2) ≈ 5.77: tails beyond that (p ≈ 8e-9) never occur.
fn rng_normal4(bits: vec4<u32>) -> vec4<f32> {
  let r0 = sqrt(-2.0 * log(rng_uniform_open0(bits.x)));
  let t0 = 6.2831853071795864 * rng_uniform(bits.y);
  let r1 = sqrt(-2.0 * log(rng_uniform_open0(bits.z)));
  let t1 = 6.2831853071795864 * rng_uniform(bits.w);
  return vec4<f32>(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1), r1 * sin(t1));
}
