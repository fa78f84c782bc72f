// Smoke test of the bench harness: one tiny GEMM case for both engines, through the same code
// `npm run bench` runs (shim, both engines on one adapter, validation, timing, report).
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/options.js';
import { table } from '../../bench/report.js';
import { runBench } from '../../bench/run.js';
import { kbfgsCase } from '../../bench/cases/kbfgs.js';
import { gpu } from '../setup.js';

describe('bench options', () => {
  it('selects cases and refuses unknown ones', () => {
    expect(parseOptions(['--quick', '--cases', 'gemm,mlp']).cases).toEqual(['gemm', 'mlp']);
    expect(parseOptions([]).gemm).toContainEqual([1024, 1024, 1024]);
    expect(() => parseOptions(['--cases', 'gemm,nope'])).toThrow(/unknown case 'nope'/);
    expect(() => parseOptions(['--steps', '0'])).toThrow(/positive integer/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option '--fast'/);
  });
});

describe('bench harness', () => {
  it('runs a tiny GEMM on gradwgsl and tfjs on the same adapter and reports both', async () => {
    const log: string[] = [];
    const report = await runBench(parseOptions(['--quick', '--cases', 'gemm']), (s) => log.push(s));
    expect(report.adapters.gradwgsl.description).toBe(report.adapters.tfjs.description);
    expect(report.adapters.gradwgsl.description.length).toBeGreaterThan(0);
    const [gemm] = report.rows;
    expect(report.rows).toHaveLength(1);
    expect(gemm!.id).toBe('gemm-64x96x80');
    for (const engine of ['gradwgsl', 'tfjs'] as const) {
      expect(gemm!.values[engine]).toBeGreaterThan(0);
      // Each engine's C was checked against float64 before it was timed.
      expect(gemm!.detail![engine]!.relError).toBeLessThan(1e-5);
    }
    expect(gemm!.ratio).toBeCloseTo(gemm!.values.tfjs! / gemm!.values.gradwgsl!, 2);
    expect(table(report)).toContain('GEMM 64×96×80');
    expect(JSON.parse(JSON.stringify(report)).rows[0].id).toBe('gemm-64x96x80');
  }, 120_000);
});

describe('bench kbfgs case', () => {
  it('times SPD inversions and second-order training iterations (--quick)', async () => {
    await gpu();
    const rows = await kbfgsCase({ opts: parseOptions(['--quick']), log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(['kbfgs/invert-2', 'kbfgs/invert-33', 'kbfgs/iteration-kfac', 'kbfgs/iteration-kbfgs']);
    for (const r of rows) expect(r.values.gradwgsl).toBeGreaterThan(0);
  }, 120_000);
});
