// Spec §8 A: the relative error of summing N values uniform in [0, 1) (seeded, pre-rounded to
// FP16 (1,6,9)) with the GPU's low-precision GEMM as a 1×N by N×1 product, for each way of
// accumulating; every GPU sum is also checked bit for bit against the CPU reference.
import { SeededRng } from '../../data/rng.js';
import { philox4x32 } from '../../kernels/rng/philox.js';
import { lowpMatmul } from '../../kernels/precision/lowp-matmul.js';
import { chunkedSum, type Accumulation } from '../../precision/accumulate.js';
import { BINARY16, FP16_169 } from '../../precision/format.js';
import { roundToGrid } from '../../precision/round.js';
import { tensor } from '../../tensor/create.js';

export type AccumulationMode = 'sequential' | 'chunk16' | 'chunk64' | 'chunk256' | 'sequential-sr' | 'binary16-sequential';

export const ACCUMULATION_MODES: readonly AccumulationMode[] = ['sequential', 'chunk16', 'chunk64', 'chunk256', 'sequential-sr', 'binary16-sequential'];

export const MODE_LABELS: Readonly<Record<AccumulationMode, string>> = {
  sequential: 'FP16(1,6,9) sequential RNE',
  chunk16: 'chunked CL=16',
  chunk64: 'chunked CL=64',
  chunk256: 'chunked CL=256',
  'sequential-sr': 'sequential SR',
  'binary16-sequential': 'binary16 sequential RNE',
};

export interface AccumulationCell {
  n: number;
  seed: number;
  mode: AccumulationMode;
  /** (sum − exact) / exact, exact = the float64 sum of the same (rounded) values. */
  relError: number;
  /** The GPU sum equals the CPU reference's bit for bit. */
  bitIdentical: boolean;
}

function accumulationFor(mode: AccumulationMode, n: number): Accumulation {
  switch (mode) {
    case 'sequential': return { format: FP16_169, chunk: n, mode: 'rne' };
    case 'chunk16': return { format: FP16_169, chunk: 16, mode: 'rne' };
    case 'chunk64': return { format: FP16_169, chunk: 64, mode: 'rne' };
    case 'chunk256': return { format: FP16_169, chunk: 256, mode: 'rne' };
    case 'sequential-sr': return { format: FP16_169, chunk: n, mode: 'sr' };
    case 'binary16-sequential': return { format: BINARY16, chunk: n, mode: 'rne' };
  }
}

/** N values uniform in [0, 1), rounded (RNE) onto FP16 (1,6,9). */
export function uniformValues(n: number, seed: number): Float32Array {
  const rng = new SeededRng(seed, 0xacc);
  return Float32Array.from({ length: n }, () => roundToGrid(rng.nextFloat(), FP16_169, 'rne'));
}

/** Philox stream of the stochastic sums: fixed, so a seed reproduces its sum. */
const SR_STREAM = 0xacc0;

export async function accumulationErrors(sizes: readonly number[], seeds: readonly number[]): Promise<AccumulationCell[]> {
  const cells: AccumulationCell[] = [];
  for (const n of sizes) {
    const ones = tensor(new Float32Array(n).fill(1), [n, 1]);
    for (const seed of seeds) {
      const values = uniformValues(n, seed);
      const exact = values.reduce((s, v) => s + v, 0);
      const row = tensor(values, [1, n]);
      for (const mode of ACCUMULATION_MODES) {
        const acc = accumulationFor(mode, n);
        const out = lowpMatmul(row, ones, { accumulation: acc, seed, stream: SR_STREAM });
        const sum = (await out.data())[0]!;
        out.dispose();
        // The binary16 run first rounds the operand onto binary16, as the kernel does on load.
        const operands = Float64Array.from(values, (v) => roundToGrid(v, acc.format, 'rne'));
        const random = (add: number, o: number) => philox4x32([seed, SR_STREAM], [o, 0, Math.floor(add / 4), 0])[add % 4]!;
        const reference = chunkedSum(operands, acc, random);
        cells.push({ n, seed, mode, relError: (sum - exact) / exact, bitIdentical: Object.is(Math.fround(reference), sum) });
      }
      row.dispose();
    }
    ones.dispose();
  }
  return cells;
}
