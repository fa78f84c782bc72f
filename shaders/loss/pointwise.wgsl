// Elementwise losses of a prediction a and a target b (same shape), fused with their
// gradients. One thread per element. The loss codes come from src/kernels/loss/pointwise.ts,
// concatenated before this source; an unknown code gives NaN.
//   LOSS_MSE_LOSS, mean squared error:  (a - b)^2
//   LOSS_SIGMOID_BCE, BCE with logits a: max(a, 0) - a b + log(1 + exp(-|a|)), stable for any |a|

override LOSS: u32;
// Which input the backward entry differentiates: the target b (else the prediction a).
override WRT_TARGET: bool;
override WG: u32 = 256u;

struct Size {
  n: u32,
}

struct GradParams {
  n: u32,
  // The output gradient for element i is g[i * g_stride] * scale (see cross-entropy.wgsl).
  g_stride: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;
@group(0) @binding(5) var<uniform> size: Size;
@group(0) @binding(6) var<uniform> gp: GradParams;

// log(1 + z) for z in [0, 1], accurate for tiny z. WGSL has no log1p, and the usual
// correction log(u) * z / (u - 1) with u = 1 + z is folded back to log(u) by shader
// compilers. Instead: 2 atanh(w) with w = z / (2 + z) <= 1/3, as its odd series to w^15
// (truncation < 4e-9 relative), with no cancellation anywhere.
fn log1p_unit(z: f32) -> f32 {
  let w = z / (2.0 + z);
  let w2 = w * w;
  var s = 1.0 / 15.0;
  for (var k = 13.0; k >= 1.0; k -= 2.0) {
    s = s * w2 + 1.0 / k;
  }
  return 2.0 * w * s;
}

fn value(x: f32, t: f32) -> f32 {
  switch LOSS {
    case LOSS_MSE_LOSS: { return (x - t) * (x - t); }
    case LOSS_SIGMOID_BCE: { return max(x, 0.0) - x * t + log1p_unit(exp(-abs(x))); }
    default: { return poison(); }
  }
}

// d value / d x, or d value / d t with WRT_TARGET.
fn derivative(x: f32, t: f32) -> f32 {
  switch LOSS {
    case LOSS_MSE_LOSS: { return select(2.0, -2.0, WRT_TARGET) * (x - t); }
    case LOSS_SIGMOID_BCE: {
      let sig = select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0);
      return select(sig - t, -x, WRT_TARGET);
    }
    default: { return poison(); }
  }
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= size.n) {
    return;
  }
  loss[i] = value(a[i], b[i]);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= gp.n) {
    return;
  }
  grad[i] = derivative(a[i], b[i]) * g[i * gp.g_stride] * gp.scale;
}
