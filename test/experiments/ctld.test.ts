// Quick profile of `gradwgsl reproduce ctld` (1,000 MNIST digits, 16 epochs, 3 seeds; under a
// minute on lavapipe). Margins are ours, below what we measured (README).
import { beforeAll, expect, it } from 'vitest';
import { experiment } from '../../src/experiments/ctld/index.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

it('CTLD then SGD-m matches SGD-m, α leaves the cold region in phase 1, and not with a slow α', async () => {
  const cfg = experiment.quickConfig;
  const result = await experiment.run(cfg);
  const runs = (m: string) => result.runs.filter((r) => r.method === m);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const acc = (m: string) => mean(runs(m).map((r) => r.finalTest));
  const notCold = (m: string) => mean(runs(m).map((r) => r.phase1!.notColdFraction));
  expect(acc('ctld')).toBeGreaterThanOrEqual(acc('sgdm') - 0.01);
  expect(notCold('ctld')).toBeGreaterThanOrEqual(0.2);
  expect(notCold('ctld')).toBeLessThanOrEqual(0.8);
  expect(notCold('ctld-slow-alpha')).toBeLessThan(Math.min(0.15, notCold('ctld') / 3));
  const planned = cfg.train.phase1Epochs * Math.floor(cfg.trainSize / cfg.train.batchSize);
  for (const r of runs('ctld')) {
    const p = r.phase1!;
    // The switch: back in the cold region, or the cap.
    expect(p.capTriggered || Math.abs(p.switchAlpha) <= 0.2).toBe(true);
    expect(p.extraSteps).toBeLessThanOrEqual(cfg.train.switchCapSteps);
    expect(p.alphaTrace.length).toBe(planned + p.extraSteps);
    expect(r.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: cfg.train.epochs }, (_, i) => i + 1));
  }
  const report = experiment.report(result);
  // The report judges by the spec's bars: the quick profile runs no Adam, so claim (i) is not
  // measured; (iii)'s bar (< 5%) is asserted with this size's margin above, not as a verdict.
  const verdicts = report.claims.map((c) => c.verdict);
  expect(verdicts[0]).toBe('not measured');
  expect(verdicts[1]).toBe('supported');
  expect(verdicts[3]).toBe('supported');
  expect(Object.keys(report.plots).sort()).toEqual(['alpha-trace.svg', 'test-accuracy.svg']);
});
