// Issue 3: the FP8 GEMM (lowpMatmul: FP8 (1,5,2) operands, chunked FP16 (1,6,9) accumulation,
// CL 64) against gradwgsl's own f32 GEMM, same sizes, same adapter, same run. tfjs has no FP8,
// so this case is gradwgsl only. Both are compiled plans timed with the read-back of C, as in
// the GEMM case. The operands are quantised once before timing: encoding is not part of the
// GEMM, and a layer keeps its FP8 weights between steps.
// Issue 17: the block-scaled FP8 GEMM (blockScaledMatmul: E4M3, per-block scales, 14-bit
// partial sums promoted to f32 every 128 products) in the same run, and its time over the
// chunked one. It takes f32 operands: its block scales and quantisation are inside the timed
// op (they cannot be split off: the op quantises as it stages).
import { compile } from '../../src/graph/compile.js';
import { runtime } from '../../src/graph/runtime.js';
import { blockScaledMatmul } from '../../src/kernels/precision/block-scaled-matmul.js';
import { lowpMatmul } from '../../src/kernels/precision/lowp-matmul.js';
import { encode } from '../../src/kernels/precision/quantize.js';
import { PAPER_ACCUMULATION } from '../../src/precision/accumulate.js';
import { blockScaledGemm, PROMOTION_INTERVAL } from '../../src/precision/block-scaled.js';
import { FP8_E4M3, FP8_E5M2 } from '../../src/precision/format.js';
import { chunkedGemm } from '../../src/precision/gemm-reference.js';
import { asLeaf, tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { measureAll } from '../measure.js';
import { row, round, type Row } from '../row.js';
import { randomArray, type Gemm } from '../workload.js';
import { withAll, type CaseContext } from './context.js';
import { float64Entry, sampledError } from './gemm.js';

/**
 * The kernel matches the CPU reference bit for bit in test/precision; products and sums of grid
 * values are exact in f32, so any real difference is a bug. f32 GEMM: as in the GEMM case.
 */
const FP8_TOLERANCE = 1e-6;
const F32_TOLERANCE = 1e-5;

/**
 * FP8 codes of `data` as a leaf owning its storage: a plan recomputes any op output it reads,
 * so codes still tied to encode() would put the quantisation inside the timed plan.
 */
function fp8Leaf(data: Float32Array, shape: readonly number[]): Tensor {
  const rt = runtime();
  const codes = rt.tidy(() => encode(tensor(data, shape), FP8_E5M2));
  return rt.keep(asLeaf(codes, 'fp8 operand'));
}

/** C = A·B through lowpMatmul on A and B encoded to FP8 once, outside the timed plan. */
async function fp8Gemm(m: number, k: number, n: number, aData: Float32Array, bData: Float32Array): Promise<Gemm> {
  const a = fp8Leaf(aData, [m, k]);
  const b = fp8Leaf(bData, [k, n]);
  const step = await compile({}, () => ({ c: lowpMatmul(a, b) }));
  return {
    async run() {
      return (await step.run({}, { read: ['c'] })).c as Float32Array;
    },
    dispose() {
      step.dispose();
      a.dispose();
      b.dispose();
    },
  };
}

/** C = A·B through blockScaledMatmul on f32 leaves (B in 128×128 tiles, a weight's blocks). */
async function blockGemm(m: number, k: number, n: number, aData: Float32Array, bData: Float32Array): Promise<Gemm> {
  const rt = runtime();
  const a = rt.keep(tensor(aData, [m, k]));
  const b = rt.keep(tensor(bData, [k, n]));
  const step = await compile({}, () => ({ c: blockScaledMatmul(a, b) }));
  return {
    async run() {
      return (await step.run({}, { read: ['c'] })).c as Float32Array;
    },
    dispose() {
      step.dispose();
      a.dispose();
      b.dispose();
    },
  };
}

/** Entry (i, j) of the block-scaled reference: row i of A times the 128 columns of B whose tile holds column j. */
function blockEntry(a: Float32Array, b: Float32Array, k: number, n: number, i: number, j: number): number {
  const j0 = j - (j % PROMOTION_INTERVAL);
  const width = Math.min(PROMOTION_INTERVAL, n - j0);
  const cols = Float32Array.from({ length: k * width }, (_, q) => b[Math.floor(q / width) * n + j0 + (q % width)]!);
  const operand = (values: Float32Array) => ({ values, format: FP8_E4M3, transposed: false });
  return blockScaledGemm({ M: 1, N: width, K: k }, operand(a.subarray(i * k, (i + 1) * k)), operand(cols), true)[j - j0]!;
}

/** Entry (i, j) of the chunked reference: row i of A times column j of B, on the FP8 grid. */
function chunkedEntry(a: Float32Array, b: Float32Array, k: number, n: number, i: number, j: number): number {
  const row = a.subarray(i * k, (i + 1) * k);
  const col = Float32Array.from({ length: k }, (_, p) => b[p * n + j]!);
  const operand = (values: Float32Array) => ({ values, format: FP8_E5M2, transposed: false });
  return chunkedGemm({ M: 1, N: 1, K: k }, operand(row), operand(col), PAPER_ACCUMULATION)[0]!;
}

export async function fp8Case(ctx: CaseContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of ctx.opts.quick ? [64] : [256, 512, 1024]) {
    const a = randomArray(s * s, 3 * s + 1, -1, 1);
    const b = randomArray(s * s, 5 * s + 2, -1, 1);
    const flops = 2 * s * s * s;
    const { times, relError } = await withAll(
      { f32: () => ctx.engines.gradwgsl.gemm(s, s, s, a, b), fp8: () => fp8Gemm(s, s, s, a, b), block: () => blockGemm(s, s, s, a, b) },
      async (gemms) => {
        const relError = {
          f32: sampledError(await gemms.f32.run(), s, float64Entry(a, b, s, s)),
          fp8: sampledError(await gemms.fp8.run(), s, (i, j) => chunkedEntry(a, b, s, s, i, j)),
          block: sampledError(await gemms.block.run(), s, (i, j) => blockEntry(a, b, s, s, i, j)),
        };
        if (!(relError.f32 < F32_TOLERANCE)) throw new Error(`bench: f32 GEMM ${s}³ is wrong: relative error ${relError.f32}`);
        if (!(relError.fp8 < FP8_TOLERANCE)) throw new Error(`bench: FP8 GEMM ${s}³ differs from the chunked reference: relative error ${relError.fp8}`);
        if (!(relError.block < FP8_TOLERANCE)) throw new Error(`bench: block-scaled FP8 GEMM ${s}³ differs from its reference: relative error ${relError.block}`);
        const times = await measureAll({ f32: () => gemms.f32.run(), fp8: () => gemms.fp8.run(), block: () => gemms.block.run() }, `gemm ${s}³`, ctx.opts.timing);
        return { times, relError };
      },
    );
    const detail = (kind: 'f32' | 'fp8' | 'block') => ({ ...times[kind], gflops: round(flops / times[kind].medianMs / 1e6, 3), relError: relError[kind] });
    const fp8OverF32 = times.fp8.medianMs / times.f32.medianMs;
    const blockOverChunked = times.block.medianMs / times.fp8.medianMs;
    ctx.log(`gemm ${s}³ f32 ${times.f32.medianMs.toFixed(2)} ms, FP8 ${times.fp8.medianMs.toFixed(2)} ms, block-scaled FP8 ${times.block.medianMs.toFixed(2)} ms: FP8/f32 ${fp8OverF32.toFixed(2)}×, block/chunked ${blockOverChunked.toFixed(2)}×`);
    rows.push(
      row(`f32-gemm-${s}`, `f32 GEMM ${s}³ (incl. readback of C)`, 'ms', { gradwgsl: times.f32.medianMs }, { gradwgsl: detail('f32') }),
      row(`fp8-gemm-${s}`, `FP8 GEMM ${s}³, pre-quantised operands (incl. readback of C)`, 'ms', { gradwgsl: times.fp8.medianMs }, { gradwgsl: detail('fp8') }),
      row(`fp8/f32-${s}`, `FP8 GEMM / f32 GEMM time, ${s}³`, 'x', { gradwgsl: fp8OverF32 }),
      row(`block-fp8-gemm-${s}`, `block-scaled FP8 GEMM ${s}³, f32 operands quantised inside (incl. readback of C)`, 'ms', { gradwgsl: times.block.medianMs }, { gradwgsl: detail('block') }),
      row(`block/chunked-fp8-${s}`, `block-scaled FP8 GEMM / chunked FP8 GEMM time, ${s}³`, 'x', { gradwgsl: blockOverChunked }),
    );
  }
  return rows;
}
