// The optimizer's hyperparameter block, one small storage buffer per optimizer (a library: update
// kernels concatenate it). The CPU rewrites `lr` whenever it changes and the GPU advances the
// rest once per step, so a compiled plan follows learning-rate schedules and Adam's step count
// without recompiling. src/kernels/optim/hyper.ts packs it by the layout it reads from this struct.
struct Hyper {
  lr: f32,
  // Optimizer steps taken.
  step: u32,
  // 1 − βᵗ for up to two exponential moving averages (Adam's bias corrections; 0 where unused).
  debias: vec2<f32>,
}
