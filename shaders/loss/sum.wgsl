// out[0] = scale * Σ x[0..n): the reduction step of the losses ('mean' and 'sum') that do not
// total their own terms, or have too many to (src/kernels/loss/reduction.ts), and of
// countCorrect. One workgroup: strided partial sums (coalesced reads), then a tree in
// workgroup memory. The order is fixed, so the result is deterministic. A total that is not
// finite raises a fault (needs shaders/common/{nan,faults}.wgsl first).

const WG: u32 = 256u;

struct Params {
  n: u32,
  scale: f32,
  fault_site: u32, // filled in by the executor
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = lid; i < p.n; i += WG) {
    acc += x[i];
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lid < width) {
      partial[lid] += partial[lid + width];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = partial[0] * p.scale;
    check_finite_loss(p.fault_site, total);
    out[0] = total;
  }
}
