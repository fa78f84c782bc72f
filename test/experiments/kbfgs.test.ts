// The K-BFGS reproduction's quick check (spec §11, scaled down to run in CI): on the pooled
// MNIST autoencoder, K-BFGS and K-FAC reach a lower training loss than SGD-momentum in the same
// number of epochs without NaN, the curvature updates really happen, and K-BFGS without double
// damping diverges or ends far worse. Also the report: claims beside our numbers, and plots.
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../../src/experiments/kbfgs/experiment.js';
import { experiment } from '../../src/experiments/kbfgs/index.js';
import { finalLoss, type RunResult } from '../../src/experiments/kbfgs/train.js';
import type { KbfgsConfig, KbfgsResult } from '../../src/experiments/kbfgs/protocol.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

// One setting per method (the quick profile's winners), one seed, 6 of its 10 epochs.
const CONFIG: KbfgsConfig = {
  ...QUICK_CONFIG, epochs: 6, seeds: [0], kbfgsGrid: [[0.3, 0.3]], kfacGrid: [[1, 1]], adamLrs: [],
  studies: QUICK_CONFIG.studies.filter((s) => s.kind !== 'kbfgs-p'),
};

describe('kbfgs reproduction, quick', () => {
  let result: KbfgsResult;
  const run = (kind: string): RunResult => result.runs.find((r) => r.setting.kind === kind)!;

  it('trains every method (12 s on an idle 2-core lavapipe, ~50 s under load)', async () => {
    result = await experiment.run(CONFIG);
    expect(result.runs.map((r) => r.setting.kind)).toEqual(['kbfgs', 'kfac', 'sgdm', 'kbfgs-l', 'kbfgs-nodd']);
    for (const r of result.runs) expect(r.curve[0]!.loss).toBeGreaterThan(100); // the untrained model
  }, 600_000);

  it('K-BFGS and K-FAC end at least 10% below SGD-m after the same epochs, with no NaN on the way', () => {
    const sgd = finalLoss(run('sgdm'));
    for (const kind of ['kbfgs', 'kfac']) {
      const r = run(kind);
      expect(r.diverged, `${r.label}: ${r.failure}`).toBe(false);
      expect(r.curve.every((p) => Number.isFinite(p.loss))).toBe(true);
      expect(finalLoss(r), r.label).toBeLessThan(0.9 * sgd);
    }
    expect(Number.isFinite(sgd)).toBe(true);
  });

  it('K-BFGS updated H^g from damped pairs; without double damping it diverges or ends ≥ 25% worse', () => {
    const d = run('kbfgs').diagnostics;
    expect(d.updates).toBeGreaterThan(0);
    expect(d.ddPowellActive).toBeGreaterThan(0);
    expect(d.ddLmActive).toBeGreaterThan(0);
    const nodd = run('kbfgs-nodd');
    expect(nodd.diverged || finalLoss(nodd) >= 1.25 * finalLoss(run('kbfgs'))).toBe(true);
  });

  it('reports the claims beside our numbers, with loss-vs-epoch and loss-vs-time plots', () => {
    const report = experiment.report(result);
    expect(report.claims.map((c) => c.claim)).toContain('Double damping is what makes K-BFGS work');
    const dd = report.claims.find((c) => c.claim === 'Double damping is what makes K-BFGS work')!;
    expect(dd.verdict).toBe('supported');
    expect(report.text).toMatch(/authors' MNIST demo, epochs 1\/2\/5\/10: K-BFGS 169\/109.6\/68\/59.8/);
    for (const f of ['loss-vs-epoch.svg', 'loss-vs-time.svg']) expect(report.plots[f]).toMatch(/<polyline/);
  });
});
