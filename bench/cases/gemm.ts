// f32 GEMM C = A·B: both engines validated against float64 on sampled entries, then timed.
// Timed calls include reading C back to the CPU for both engines (as ANCHORS' baseline did):
// tfjs has no other way to wait for a result, and gradwgsl's read is a copy in the same submit.
import { measureAll } from '../measure.js';
import { row, round, type Row } from '../row.js';
import { randomArray } from '../workload.js';
import { perEngine, withAll, type CaseContext } from './context.js';

/** ‖c − ref‖ / ‖ref‖ over sampled entries beats this unless a kernel is wrong (f32, K ≤ 1024). */
const TOLERANCE = 1e-5;
const CHECKED_ENTRIES = 256;

export async function gemmCase(ctx: CaseContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [m, k, n] of ctx.opts.gemm) {
    const a = randomArray(m * k, m + k, -1, 1);
    const b = randomArray(k * n, k + n + 7, -1, 1);
    const flops = 2 * m * k * n;
    const shape = `${m}x${k}x${n}`;
    const detail = await withAll(perEngine((name) => () => ctx.engines[name].gemm(m, k, n, a, b)), async (gemms) => {
      const relError = perEngine(() => NaN);
      for (const name of ['gradwgsl', 'tfjs'] as const) {
        relError[name] = sampledError(await gemms[name].run(), n, float64Entry(a, b, k, n));
        if (!(relError[name] < TOLERANCE)) throw new Error(`bench: ${name} GEMM ${shape} is wrong: relative error ${relError[name]}`);
      }
      const times = await measureAll(perEngine((name) => () => gemms[name].run()), `gemm ${shape}`, ctx.opts.timing);
      return perEngine((name) => {
        const t = times[name];
        ctx.log(`gemm ${shape} ${name}: ${t.medianMs.toFixed(2)} ms, ${(flops / t.medianMs / 1e6).toFixed(2)} GFLOP/s (±${t.rmePct.toFixed(0)}%, ${t.samples} samples)`);
        return { ...t, gflops: round(flops / t.medianMs / 1e6, 3), relError: relError[name] };
      });
    });
    const label = m === k && k === n ? `GEMM ${m}³ (incl. readback of C)` : `GEMM ${m}×${k}×${n} (incl. readback of C)`;
    rows.push(row(`gemm-${shape}`, label, 'ms', perEngine((name) => detail[name].medianMs), detail));
  }
  return rows;
}

/** Entry (i, j) of A·B (A [·, k], B [k, n]) as a float64 dot product. */
export function float64Entry(a: Float32Array, b: Float32Array, k: number, n: number): (i: number, j: number) => number {
  return (i, j) => {
    let dot = 0;
    for (let p = 0; p < k; p++) dot += a[i * k + p]! * b[p * n + j]!;
    return dot;
  };
}

/** Relative error of C [·, n] on evenly spaced entries against `reference(i, j)`. */
export function sampledError(c: Float32Array, n: number, reference: (i: number, j: number) => number): number {
  let num = 0;
  let den = 0;
  const count = Math.min(CHECKED_ENTRIES, c.length);
  for (let s = 0; s < count; s++) {
    const idx = Math.floor((s * c.length) / count);
    const ref = reference(Math.floor(idx / n), idx % n);
    num += (c[idx]! - ref) ** 2;
    den += ref * ref;
  }
  return Math.sqrt(num / den);
}
