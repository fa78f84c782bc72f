// Faults kernels report to the host (needs nan.wgsl): a small buffer the executor binds as
// `faults` to every kernel that uses it, cleared and read back together with the outputs a step
// already reads (src/graph/faults.ts decodes it). A kernel that raises faults has a uniform member
// `fault_site: u32`, which the executor fills with the dispatch's index, so errors name the op.
//   word 0: one bit per kind of fault (FAULT_*)
//   words 1, 2: the largest out-of-range label, and the number of classes it was checked against
//   words 3, 4, 5: the first site (in dispatch order) of a label, non-finite loss and non-finite
//     update fault, stored as ~site so that atomicMax keeps the smallest and 0 means none

@group(0) @binding(15) var<storage, read_write> faults: array<atomic<u32>>;

const FAULT_LABEL_RANGE: u32 = 1u;
const FAULT_NON_FINITE_LOSS: u32 = 2u;
const FAULT_NON_FINITE_UPDATE: u32 = 4u;

// A label y >= classes reached a loss kernel (which then gives that row no gradient).
fn fault_label(site: u32, y: u32, classes: u32) {
  atomicOr(&faults[0], FAULT_LABEL_RANGE);
  atomicMax(&faults[1], y);
  atomicMax(&faults[2], classes);
  atomicMax(&faults[3], ~site);
}

// A loss total that is NaN or ±Inf.
fn check_finite_loss(site: u32, v: f32) {
  if (!is_finite(v)) {
    atomicOr(&faults[0], FAULT_NON_FINITE_LOSS);
    atomicMax(&faults[4], ~site);
  }
}

// A parameter value an optimizer is about to store.
fn check_finite_update(site: u32, v: f32) {
  if (!is_finite(v)) {
    atomicOr(&faults[0], FAULT_NON_FINITE_UPDATE);
    atomicMax(&faults[5], ~site);
  }
}
