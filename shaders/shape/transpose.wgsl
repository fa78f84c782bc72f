// out[b, j, i] = x[b, i, j] for x viewed as [batch, rows, cols]. A 16×16 tile goes through
// workgroup memory so both the read and the write walk memory contiguously (one barrier per
// tile). Elements are moved as u32 bits: any 32-bit dtype, no float canonicalisation.

struct Params {
  batch: u32,
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

// One padding column so reading a tile column touches 16 different banks.
var<workgroup> tile: array<array<u32, 17>, 16>;

@compute @workgroup_size(16, 16, 1)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let r0 = wid.y * 16u;
  let c0 = wid.x * 16u;
  // Batches past the 65535-workgroup limit of z are taken in turns.
  for (var b = wid.z; b < p.batch; b += nwg.z) {
    let base = b * p.rows * p.cols;
    let r = r0 + lid.y;
    let c = c0 + lid.x;
    if (r < p.rows && c < p.cols) {
      tile[lid.y][lid.x] = x[base + r * p.cols + c];
    }
    workgroupBarrier();
    let oc = c0 + lid.y;
    let orow = r0 + lid.x;
    if (oc < p.cols && orow < p.rows) {
      out[base + oc * p.rows + orow] = tile[lid.x][lid.y];
    }
    workgroupBarrier();
  }
}
