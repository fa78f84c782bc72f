// The device-resident GEMM case: N products per submit, no readback, wall and GPU time, through
// the same code `npm run bench` runs.
import { describe, expect, it } from 'vitest';
import { residentCount } from '../../bench/cases/gemm.js';
import { parseOptions } from '../../bench/options.js';
import { runBench } from '../../bench/run.js';

describe('device-resident GEMM case', () => {
  it('takes its sizes from --resident-sizes, lavapipe-sized by default', () => {
    expect(parseOptions([]).residentSizes).toEqual([256, 512, 1024]);
    expect(parseOptions(['--resident-sizes', '256,4096']).residentSizes).toEqual([256, 4096]);
    expect(() => parseOptions(['--resident-sizes', '256,0'])).toThrow(/--resident-sizes 0 must be a positive integer/);
  });

  it('puts about a GFLOP in each submit: 2 to 15 products', () => {
    expect(residentCount(64)).toBe(15);
    expect(residentCount(512)).toBe(4);
    expect(residentCount(256)).toBe(15);
    expect(residentCount(4096)).toBe(2);
  });

  it('times both engines without readback, and gradwgsl with f16 operands where the adapter has shader-f16', async () => {
    const report = await runBench(parseOptions(['--quick', '--cases', 'gemm-resident']), () => {});
    const [f32, f16] = report.rows;
    expect(f32!.id).toBe('gemm-resident-64');
    for (const engine of ['gradwgsl', 'tfjs'] as const) {
      const d = f32!.detail![engine]!;
      expect(f32!.values[engine]).toBeGreaterThan(0);
      expect(d.count).toBe(15);
      // Timestamp queries, where the adapter has them (lavapipe does), give a positive span.
      if (d.gpuMs !== null) expect(d.gpuMs).toBeGreaterThan(0);
    }
    if (f16) {
      expect(f16.id).toBe('gemm-resident-f16-64');
      expect(f16.values.gradwgsl).toBeGreaterThan(0);
      expect(f16.values.tfjs).toBeUndefined();
    }
  }, 120_000);
});
