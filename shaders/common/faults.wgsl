// Faults kernels report to the host (needs nan.wgsl): a small buffer the executor binds as
// `faults` to every kernel that uses it, cleared and read back together with the outputs a step
// already reads (src/graph/faults.ts decodes it). A kernel that raises faults has a uniform member
// `fault_site: u32`, which the executor fills with the dispatch's index, so errors name the op.
// The kind bits (FAULT_LABEL_RANGE ...) and word indices (FAULT_WORD_KINDS ...) come from
// src/graph/faults.ts, concatenated before this library (FAULTS_WGSL there):
//   word KINDS: one bit per kind of fault
//   words LABEL, CLASSES: the largest out-of-range label, and the number of classes it was
//     checked against
//   words LABEL_SITE, LOSS_SITE, UPDATE_SITE: the first site (in dispatch order) of a label,
//     non-finite loss and non-finite update fault, stored as ~site so that atomicMax keeps the
//     smallest and 0 means none

@group(0) @binding(15) var<storage, read_write> faults: array<atomic<u32>>;

// A label y >= classes reached a loss kernel (which then gives that row no gradient).
fn fault_label(site: u32, y: u32, classes: u32) {
  atomicOr(&faults[FAULT_WORD_KINDS], FAULT_LABEL_RANGE);
  atomicMax(&faults[FAULT_WORD_LABEL], y);
  atomicMax(&faults[FAULT_WORD_CLASSES], classes);
  atomicMax(&faults[FAULT_WORD_LABEL_SITE], ~site);
}

// A loss total that is NaN or ±Inf.
fn check_finite_loss(site: u32, v: f32) {
  if (!is_finite(v)) {
    atomicOr(&faults[FAULT_WORD_KINDS], FAULT_NON_FINITE_LOSS);
    atomicMax(&faults[FAULT_WORD_LOSS_SITE], ~site);
  }
}

// A parameter value an optimizer is about to store.
fn check_finite_update(site: u32, v: f32) {
  if (!is_finite(v)) {
    atomicOr(&faults[FAULT_WORD_KINDS], FAULT_NON_FINITE_UPDATE);
    atomicMax(&faults[FAULT_WORD_UPDATE_SITE], ~site);
  }
}
