// A library for the single-workgroup kernels of shaders/linalg: the sum of one vec4 per thread
// over a workgroup of SUM_WG threads (a tree in workgroup memory, log2(SUM_WG) barriers).
// Call from uniform control flow, with every thread of the workgroup.

const SUM_WG: u32 = 64u;

var<workgroup> sum_scratch: array<vec4<f32>, SUM_WG>;

fn workgroup_sum4(lid: u32, v: vec4<f32>) -> vec4<f32> {
  sum_scratch[lid] = v;
  workgroupBarrier();
  for (var w = SUM_WG / 2u; w > 0u; w /= 2u) {
    if (lid < w) {
      sum_scratch[lid] += sum_scratch[lid + w];
    }
    workgroupBarrier();
  }
  let total = sum_scratch[0];
  // The next call may overwrite the scratch only after everyone has read the total.
  workgroupBarrier();
  return total;
}

fn finite(v: f32) -> bool {
  return abs(v) <= 0x1.fffffep+127f;
}
