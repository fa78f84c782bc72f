// f32 GEMM C = A·B: both engines validated against float64 on sampled entries, then timed.
// Timed calls include reading C back to the CPU for both engines (as ANCHORS' baseline did):
// tfjs has no other way to wait for a result, and gradwgsl's read is a copy in the same submit.
// The device-resident case (gemmResidentCase) times the same products without any readback.
import { measureAll, median } from '../measure.js';
import { row, round, type Row } from '../row.js';
import { ENGINE_NAMES, randomArray } from '../workload.js';
import { perEngine, perEngineAsync, withAll, type CaseContext, type PerEngine } from './context.js';
import { peakFor } from './gemm-peaks.js';

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

/** Products per submit: about a GFLOP of work per timed call, at least 2, at most 15 (tfjs's batch). */
export function residentCount(n: number): number {
  return Math.min(15, Math.max(2, Math.round(2 ** 30 / (2 * n ** 3))));
}

/**
 * N back-to-back n³ GEMMs in one submit on leaves already on the GPU, nothing read back: the
 * wall time from submit until the queue is done, and the GPU time between timestamps written
 * at the start of the submit and the end of the last one (an empty compute pass on each side).
 * f32 for both engines, then f16 operands for gradwgsl where the adapter has shader-f16.
 */
export async function gemmResidentCase(ctx: CaseContext): Promise<Row[]> {
  const rows: Row[] = [];
  const device = ctx.engines.gradwgsl.device;
  const peak = peakFor(device.adapterInfo);
  ctx.log(peak ? `peak figures: ${peak.card}, f32 ${peak.f32} / f16 ${peak.f16} TFLOP/s (${peak.source})` : `no peak figure for adapter device '${device.adapterInfo.device}': no percentages`);
  for (const n of ctx.opts.residentSizes) {
    const count = residentCount(n);
    const a = randomArray(n * n, n, -1, 1);
    const b = randomArray(n * n, n + 7, -1, 1);
    const flops = 2 * n ** 3;
    const f32 = await residentTimes(ctx, n, count, a, b, 'f32');
    const f16 = await residentTimes(ctx, n, count, a, b, 'f16');
    const detail = perEngine((name) => {
      const t = f32[name]!;
      return {
        count,
        wallMs: round(t.wallMs, 4),
        gpuMs: t.gpuMs === null ? null : round(t.gpuMs, 4),
        gflopsWall: round(flops / t.wallMs / 1e6, 2),
        gflopsGpu: t.gpuMs === null ? null : round(flops / t.gpuMs / 1e6, 2),
        ...(peak && t.gpuMs !== null ? { pctF32Peak: round((100 * flops) / t.gpuMs / 1e9 / peak.f32, 2) } : {}),
      };
    });
    for (const name of ['gradwgsl', 'tfjs'] as const) {
      const d = detail[name];
      ctx.log(`gemm ${n}³ ×${count} resident ${name}: ${d.wallMs} ms wall (${d.gflopsWall} GFLOP/s), GPU ${d.gpuMs ?? '–'} ms (${d.gflopsGpu ?? '–'} GFLOP/s)${d.pctF32Peak === undefined ? '' : `, ${d.pctF32Peak}% of f32 peak`}`);
    }
    rows.push(row(`gemm-resident-${n}`, `GEMM ${n}³ device-resident, ${count} per submit (ms each)`, 'ms', perEngine((name) => f32[name]!.wallMs), detail));
    const h = f16.gradwgsl;
    if (!h) {
      ctx.log(`gemm ${n}³ f16: skipped, the adapter has no shader-f16`);
      continue;
    }
    const f16Detail = {
      count,
      wallMs: round(h.wallMs, 4),
      gpuMs: h.gpuMs === null ? null : round(h.gpuMs, 4),
      gflopsGpu: h.gpuMs === null ? null : round(flops / h.gpuMs / 1e6, 2),
      speedupOverF32: round(f32.gradwgsl!.wallMs / h.wallMs, 3),
      ...(peak && h.gpuMs !== null ? { pctF16Peak: round((100 * flops) / h.gpuMs / 1e9 / peak.f16, 2) } : {}),
    };
    ctx.log(`gemm ${n}³ ×${count} resident gradwgsl f16: ${f16Detail.wallMs} ms wall, ${f16Detail.speedupOverF32}× our f32${f16Detail.pctF16Peak === undefined ? '' : `, ${f16Detail.pctF16Peak}% of f16 peak`}`);
    rows.push(row(`gemm-resident-f16-${n}`, `GEMM ${n}³ f16 operands, device-resident (ms each; tfjs has no f16)`, 'ms', { gradwgsl: h.wallMs }, { gradwgsl: f16Detail }));
  }
  return rows;
}

interface ResidentTime {
  /** Per GEMM, median over the timed calls. */
  wallMs: number;
  /** Per GEMM from timestamp queries; null without the timestamp-query feature. */
  gpuMs: number | null;
}

/** Per engine: null where the engine has no GEMM on these operands. */
async function residentTimes(ctx: CaseContext, n: number, count: number, a: Float32Array, b: Float32Array, operands: 'f32' | 'f16'): Promise<PerEngine<ResidentTime | null>> {
  const built = await perEngineAsync((name) => ctx.engines[name].gemmResident(n, n, n, a, b, count, operands));
  const ready = ENGINE_NAMES.filter((name) => built[name] !== null);
  const spans = perEngine((name) => GpuSpan.on(ctx.engines[name].device));
  const gpuMs = perEngine((): number[] => []);
  try {
    const ops = Object.fromEntries(ready.map((name) => [name, async () => {
      const device = ctx.engines[name].device;
      const span = spans[name];
      span?.mark('begin');
      built[name]!.submit();
      span?.mark('end');
      await device.queue.onSubmittedWorkDone();
      if (span) gpuMs[name].push(await span.ms());
    }]));
    const times = await measureAll(ops, `gemm-resident ${n}³ ${operands}`, ctx.opts.timing);
    return perEngine((name) => (times[name] ? { wallMs: times[name].medianMs / count, gpuMs: spans[name] ? median(gpuMs[name]) / count : null } : null));
  } finally {
    for (const name of ENGINE_NAMES) {
      built[name]?.dispose();
      spans[name]?.destroy();
    }
  }
}

/** Two timestamps on one device: at the start of one submit and at the end of a later one. */
class GpuSpan {
  private readonly set: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly staging: GPUBuffer;

  static on(device: GPUDevice): GpuSpan | null {
    return device.features.has('timestamp-query') ? new GpuSpan(device) : null;
  }

  private constructor(private readonly device: GPUDevice) {
    this.set = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolved = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.staging = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Submits an empty compute pass that writes the begin or the end timestamp. */
  mark(which: 'begin' | 'end'): void {
    const encoder = this.device.createCommandEncoder({ label: `bench/span-${which}` });
    const writes = which === 'begin' ? { beginningOfPassWriteIndex: 0 } : { endOfPassWriteIndex: 1 };
    encoder.beginComputePass({ timestampWrites: { querySet: this.set, ...writes } }).end();
    if (which === 'end') {
      encoder.resolveQuerySet(this.set, 0, 2, this.resolved, 0);
      encoder.copyBufferToBuffer(this.resolved, 0, this.staging, 0, 16);
    }
    this.device.queue.submit([encoder.finish()]);
  }

  /** Milliseconds between the two timestamps of the last marks. */
  async ms(): Promise<number> {
    await this.staging.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigInt64Array(this.staging.getMappedRange().slice(0));
    this.staging.unmap();
    return Number(end! - begin!) / 1e6;
  }

  destroy(): void {
    this.set.destroy();
    this.resolved.destroy();
    this.staging.destroy();
  }
}
