// Starts an optimizer step (needs hyper.wgsl first): step += 1, and each bias correction
// c = 1 − βᵗ advances by c ← c + (1 − β)(1 − c). Only adds and multiplies of values in [0, 1], so
// it stays accurate to a few ulp (1 − pow(β, t) in f32 loses ~1e-4 relative for β = 0.999).
// One thread.

struct Params {
  // 1 − β per moving average, computed in float64 on the CPU; 0 leaves a correction unused.
  decay: vec2<f32>,
}

@group(0) @binding(0) var<storage, read_write> hyper: Hyper;
@group(0) @binding(1) var<uniform> p: Params;

@compute @workgroup_size(1)
fn main() {
  hyper.step = hyper.step + 1u;
  hyper.debias = hyper.debias + p.decay * (1.0 - hyper.debias);
}
