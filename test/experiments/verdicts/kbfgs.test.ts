// K-BFGS's verdicts on made-up results: each one passes, fails and is "not measured" when the
// numbers it needs are absent (spec §11: best settings, per seed, no pass from a NaN run).
import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../../../src/experiments/kbfgs/experiment.js';
import type { MethodKind, MethodSetting } from '../../../src/experiments/kbfgs/methods.js';
import { bestSettings, type KbfgsConfig, type KbfgsResult } from '../../../src/experiments/kbfgs/protocol.js';
import type { RunResult } from '../../../src/experiments/kbfgs/train.js';
import { doubleDampingVerdict, firstOrderVerdict, kfacVerdict } from '../../../src/experiments/kbfgs/verdicts.js';

const setting = (kind: MethodKind): MethodSetting => ({ kind, lr: 0.1, damping: kind === 'adam' || kind === 'sgdm' ? undefined : 1 });

/** A run ending at `loss` (NaN: diverged); `midNaN` puts a NaN at epoch 1 before a finite end. */
function run(kind: MethodKind, seed: number, loss: number, midNaN = false): RunResult {
  return {
    label: kind, setting: setting(kind), seed, failure: null, secondsPerIteration: 0.01, diagnostics: {},
    diverged: Number.isNaN(loss),
    curve: [{ epoch: 0, loss: 500, seconds: 0 }, { epoch: 1, loss: midNaN ? NaN : 300, seconds: 1 }, { epoch: 2, loss, seconds: 2 }],
  };
}

/** Final losses per method, one entry per seed (seeds 0, 1, ...). */
function result(losses: Partial<Record<MethodKind, number[]>>, midNaN: MethodKind[] = []): KbfgsResult {
  const kinds = Object.keys(losses) as MethodKind[];
  return {
    config: QUICK_CONFIG,
    runs: kinds.flatMap((k) => losses[k]!.map((l, seed) => run(k, seed, l, midNaN.includes(k)))),
    best: Object.fromEntries(kinds.map((k) => [k, setting(k)])),
  };
}

describe('K-BFGS verdicts', () => {
  it('K-BFGS <= 1.05 × Adam and <= 0.8 × SGD-m on every seed', () => {
    expect(firstOrderVerdict(result({ kbfgs: [123.5, 125], adam: [128.5, 120], sgdm: [180.4, 180] })).verdict).toBe('supported');
    expect(firstOrderVerdict(result({ kbfgs: [123.5, 130], adam: [128.5, 120], sgdm: [180.4, 180] })).verdict).toBe('not supported'); // seed 1: 1.08 × Adam
    // Beating Adam but not SGD-m by 20% used to read "partial"; it is not supported.
    expect(firstOrderVerdict(result({ kbfgs: [123.5], adam: [128.5], sgdm: [150] })).verdict).toBe('not supported');
    // A NaN on the way disqualifies a run even when it ends finite.
    expect(firstOrderVerdict(result({ kbfgs: [123.5], adam: [128.5], sgdm: [180.4] }, ['kbfgs'])).verdict).toBe('not supported');
    // A diverged baseline does not hand K-BFGS a pass.
    expect(firstOrderVerdict(result({ kbfgs: [123.5], adam: [NaN], sgdm: [180.4] })).verdict).toBe('not supported');
    expect(firstOrderVerdict(result({ kbfgs: [123.5], sgdm: [180.4] })).verdict).toBe('not measured');
  });

  it('K-FAC <= 0.75 × Adam on every seed', () => {
    expect(kfacVerdict(result({ kfac: [75.6, 80], adam: [128.5, 120] })).verdict).toBe('supported');
    expect(kfacVerdict(result({ kfac: [96.7], adam: [128.5] })).verdict).toBe('not supported'); // 0.75 × 128.5 = 96.4
    expect(kfacVerdict(result({ kfac: [75.6] })).verdict).toBe('not measured');
  });

  it('without double damping: diverges or ends >= 25% worse than a clean run with it', () => {
    expect(doubleDampingVerdict(result({ kbfgs: [123.5, 125], 'kbfgs-nodd': [NaN, 160] })).verdict).toBe('supported');
    expect(doubleDampingVerdict(result({ kbfgs: [123.5], 'kbfgs-nodd': [140] })).verdict).toBe('not supported'); // 13% worse
    expect(doubleDampingVerdict(result({ kbfgs: [NaN], 'kbfgs-nodd': [NaN] })).verdict).toBe('not supported'); // both diverged
    expect(doubleDampingVerdict(result({ kbfgs: [123.5] })).verdict).toBe('not measured');
    // Without DD is compared with K-BFGS at its own (α, λ), not with K-BFGS's best elsewhere.
    const elsewhere = result({ kbfgs: [123.5], 'kbfgs-nodd': [NaN] });
    elsewhere.best['kbfgs-nodd'] = { kind: 'kbfgs-nodd', lr: 0.3, damping: 1 };
    elsewhere.runs = elsewhere.runs.map((r) => (r.setting.kind === 'kbfgs-nodd' ? { ...r, setting: elsewhere.best['kbfgs-nodd']! } : r));
    expect(doubleDampingVerdict(elsewhere).verdict).toBe('not measured');
  });
});

describe('K-BFGS best settings', () => {
  const config: KbfgsConfig = { ...QUICK_CONFIG, seeds: [0, 1], kbfgsGrid: [[0.1, 1], [0.3, 1], [1, 1]], kfacGrid: [], adamLrs: [], sgdLrs: [], studies: [] };
  const at = (lr: number, seed: number, loss: number): RunResult => ({ ...run('kbfgs', seed, loss), setting: { kind: 'kbfgs', lr, damping: 1 } });

  it('the lowest mean over seeds wins; a setting that diverged on any seed never does', () => {
    // α = 0.3 is best on seed 0, α = 0.1 on the mean; α = 1 would win but diverged on seed 1.
    const runs = [at(0.1, 0, 110), at(0.3, 0, 100), at(1, 0, 50), at(0.1, 1, 110), at(0.3, 1, 130), at(1, 1, NaN)];
    expect(bestSettings(config, runs).kbfgs).toEqual({ kind: 'kbfgs', lr: 0.1, damping: 1 });
    expect(bestSettings(config, runs.filter((r) => r.setting.lr === 1)).kbfgs).toBeNull();
  });
});
