// Small floating-point formats (1,E,M) emulated in f32 registers: rounding onto the grid,
// bit codes and back, all with integer operations on bitcast<u32> values, so results never
// depend on how a driver rounds or flushes f32 arithmetic. A function library with no entry
// point: kernels concatenate it before their own source.
// Exact twin: src/precision/round.ts and src/precision/codec.ts (tests hold them bit for bit).
//
// A format travels as GridFormat, built from pipeline overrides (src/precision/format.ts,
// gridConstants): exponent bits, mantissa bits, exponent of the smallest normal, and the f32
// bits of the largest finite value (overflow saturates there; the top exponent code is
// reserved for NaN unless max_bits lies in it). The mode codes ROUND_RNE, ROUND_TRUNC and
// ROUND_SR come from src/precision/round.ts (ROUNDING), concatenated before this library.

struct GridFormat {
  exp_bits: u32,
  man: u32,
  emin: i32,
  max_bits: u32,
}

const F32_QNAN: u32 = 0x7fc00000u;

// f32 bits of q · 2^e, for 0 <= q < 2^24 and results in f32's normal range (exact).
fn grid_scaled(q: u32, e: i32) -> u32 {
  if (q == 0u) {
    return 0u;
  }
  let p = 31u - countLeadingZeros(q);
  return (u32(e + i32(p) + 127) << 23u) | ((q << (23u - p)) & 0x7fffffu);
}

// Rounds the f32 with bits x onto the grid of f. mode: ROUND_RNE (ties to even), ROUND_TRUNC
// (toward zero) or ROUND_SR (stochastic: the low 23 - M bits of r are added to the dropped
// bits, then truncated, so x rounds up with probability equal to the dropped fraction).
// NaN gives the canonical quiet NaN; overflow and ±Inf saturate; the sign of zero is kept.
// An unknown mode gives NaN too, rather than rounding some other way.
fn grid_round(x: u32, f: GridFormat, mode: u32, r: u32) -> u32 {
  let sign = x & 0x80000000u;
  var mag = x & 0x7fffffffu;
  if (mag > 0x7f800000u || (mode != ROUND_RNE && mode != ROUND_TRUNC && mode != ROUND_SR)) {
    return F32_QNAN;
  }
  let sh = 23u - f.man;
  let low = (1u << sh) - 1u;
  if (mag >= (u32(f.emin + 127) << 23u)) {
    // Normal range: the grid keeps the top M mantissa bits; a carry into the exponent is the
    // correct round-up into the next binade.
    if (mode == ROUND_RNE) {
      mag = mag + (low >> 1u) + ((mag >> sh) & 1u);
    } else if (mode == ROUND_SR) {
      mag = mag + (r & low);
    }
    mag = mag & ~low;
  } else {
    // Below the smallest normal: count quanta 2^(emin - M). With s the 24-bit significand and
    // d = emin - exponent (>= 1), |x| = s / 2^(d + sh) quanta.
    let field = mag >> 23u;
    let s = select((mag & 0x7fffffu) | 0x800000u, mag & 0x7fffffu, field == 0u);
    let d = u32(f.emin - (max(i32(field), 1) - 127));
    let k = d + sh;
    var q = 0u;
    if (mode == ROUND_SR) {
      // s >> d is |x| in units of quantum / 2^sh (bits below that are dropped).
      let t = select(0u, s >> d, d < 32u);
      q = (t + (r & low)) >> sh;
    } else if (k < 32u) {
      q = s >> k;
      let rem = s & ((1u << k) - 1u);
      let half = 1u << (k - 1u);
      if (mode == ROUND_RNE && (rem > half || (rem == half && (q & 1u) == 1u))) {
        q = q + 1u;
      }
    }
    mag = grid_scaled(q, f.emin - i32(f.man));
  }
  return sign | min(mag, f.max_bits);
}

fn grid_round_f32(x: f32, f: GridFormat, mode: u32, r: u32) -> f32 {
  return bitcast<f32>(grid_round(bitcast<u32>(x), f, mode, r));
}

// The code (sign | exponent | mantissa) of an f32 that lies on the grid (or NaN).
fn grid_encode(v: u32, f: GridFormat) -> u32 {
  let width = f.exp_bits + f.man;
  let sign = (v >> 31u) << width;
  let mag = v & 0x7fffffffu;
  if (mag > 0x7f800000u) {
    return (1u << width) - 1u;
  }
  let field = i32(mag >> 23u) - 127 - f.emin + 1;
  if (field >= 1) {
    return sign | (u32(field) << f.man) | ((mag & 0x7fffffu) >> (23u - f.man));
  }
  if (mag == 0u) {
    return sign;
  }
  // Subnormal code: the value in quanta, s >> (sh + 1 - field).
  let shift = 24u - f.man - u32(field);
  return sign | (((mag & 0x7fffffu) | 0x800000u) >> shift);
}

// f32 bits of a code. Top exponent code (when reserved): mantissa 0 is ±Inf, else NaN.
fn grid_decode(code: u32, f: GridFormat) -> u32 {
  let width = f.exp_bits + f.man;
  let sign = ((code >> width) & 1u) << 31u;
  let top = (1u << f.exp_bits) - 1u;
  let field = (code >> f.man) & top;
  let m = code & ((1u << f.man) - 1u);
  let top_exponent = i32(top) + f.emin - 1;
  if (field == top && (f.max_bits >> 23u) < u32(top_exponent + 127)) {
    return select(sign | 0x7f800000u, F32_QNAN, m != 0u);
  }
  if (field == 0u) {
    return sign | grid_scaled(m, f.emin - i32(f.man));
  }
  return sign | (u32(i32(field) + f.emin - 1 + 127) << 23u) | (m << (23u - f.man));
}
