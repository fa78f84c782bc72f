// Normfree's verdicts N1–N4 on made-up results: each one passes, fails and is "not measured" when
// the numbers it needs are absent, under the spec's full bars (K = 100 in the sweep) and its CI
// profile's (K in {20, 50}).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, QUICK_CONFIG, type NormfreeConfig, type NormfreeResult, type SignalCurve } from '../../../src/experiments/normfree/config.js';
import { judge } from '../../../src/experiments/normfree/criteria.js';
import type { Variant } from '../../../src/experiments/normfree/model.js';
import type { NormfreeRunResult } from '../../../src/experiments/normfree/train.js';

/** A made-up run result: only what the criteria read (NaN accuracy: the loss went non-finite). */
function fake(variant: Variant, depth: number, testAccuracy: number, lr = 0.05): NormfreeRunResult {
  return { variant, depth, lr, width: 64, seed: 0, epochs: 2, batchSize: 128, epochRecords: [], testAccuracy, diverged: Number.isNaN(testAccuracy) ? { epoch: 1, step: 2 } : null, multipliers: [], seconds: 0 };
}

function verdicts(config: NormfreeConfig, runs: NormfreeRunResult[], signal: SignalCurve[] = []): Record<string, boolean | null> {
  const result: NormfreeResult = { config, signal, runs, seconds: 0 };
  return Object.fromEntries(judge(result).map((v) => [v.id, v.pass]));
}

const curve = (variant: Variant, depth: number, growth: number): SignalCurve => ({
  variant, depth, stem: 0.1, blocks: Array.from({ length: depth }, (_, k) => 0.06 * growth ** (k / (depth - 1))),
});

describe('normfree N1: signal propagation at init', () => {
  const c = QUICK_CONFIG; // K in {20, 50}
  const flat = [curve('rescale', 20, 0.85), curve('rescale', 50, 0.8), curve('plain', 20, 7.8e6)];
  it('RESCALE within 4× of block 1 at every K, PLAIN grows > 1e3 at K = 20', () => {
    expect(verdicts(c, [], flat).N1).toBe(true);
    expect(verdicts(c, [], [curve('rescale', 20, 0.85), curve('rescale', 50, 5), curve('plain', 20, 7.8e6)]).N1).toBe(false);
    expect(verdicts(c, [], [...flat.slice(0, 2), curve('plain', 20, 100)]).N1).toBe(false);
  });
  it('not measured without a RESCALE probe at every K or without PLAIN at K = 20', () => {
    expect(verdicts(c, [], [flat[0]!, flat[2]!]).N1).toBeNull();
    // PLAIN at K = 50 grows more; it is not the spec's K = 20 probe.
    expect(verdicts(c, [], [...flat.slice(0, 2), curve('plain', 50, 2.5e18)]).N1).toBeNull();
  });
});

describe('normfree N2–N4, CI bars (no K = 100 in the sweep)', () => {
  const c = QUICK_CONFIG;
  const good = [fake('rescale', 20, 0.9), fake('rescale', 50, 0.9), fake('bn', 20, 0.89), fake('bn', 50, 0.91), fake('plain', 50, NaN), fake('rescale-noalpha', 50, 0.3)];
  it('pass', () => expect(verdicts(c, good)).toMatchObject({ N2: true, N3: true, N4: true }));
  it('fail', () => {
    expect(verdicts(c, [fake('rescale', 20, 0.9), fake('rescale', 50, 0.84), ...good.slice(2)]).N2).toBe(false); // below 85%
    expect(verdicts(c, [fake('rescale', 20, 0.95), fake('rescale', 50, 0.9), ...good.slice(2)]).N2).toBe(false); // 5 points below K = 20
    expect(verdicts(c, [...good.slice(0, 3), fake('bn', 50, 0.93), ...good.slice(4)]).N3).toBe(false); // 3 points below BN at K = 50
    expect(verdicts(c, [...good.slice(0, 5), fake('rescale-noalpha', 50, 0.6)]).N4).toBe(false);
  });
  it('not measured', () => {
    expect(verdicts(c, [good[0]!]).N2).toBeNull();
    // BN at K = 20 only: K = 50 is not compared, so N3 cannot be supported (it used to be).
    expect(verdicts(c, good.filter((r) => !(r.variant === 'bn' && r.depth === 50))).N3).toBeNull();
    // PLAIN alone failing does not make N4: RESCALE-noalpha must have run too (it used to pass).
    expect(verdicts(c, good.slice(0, 5)).N4).toBeNull();
  });
});

describe('normfree N2–N4, full bars (K = 100 in the sweep)', () => {
  const c = DEFAULT_CONFIG; // K in {20, 50, 100}
  const at = (depth: number, rescale: number, bn: number) => [fake('rescale', depth, rescale), fake('bn', depth, bn, 0.02), fake('bn', depth, bn - 0.01)];
  const fails = [50, 100].flatMap((d) => [fake('plain', d, NaN), fake('rescale-noalpha', d, 0.2)]);
  const good = [...at(20, 0.934, 0.911), ...at(50, 0.934, 0.9), ...at(100, 0.93, 0.855), ...fails];
  it('pass', () => expect(verdicts(c, good)).toMatchObject({ N2: true, N3: true, N4: true }));
  it('fail', () => {
    // 88% at K = 100 met the CI bar (85% at K = 50) but not the full one (90%).
    expect(verdicts(c, [...at(20, 0.89, 0.85), ...at(50, 0.89, 0.85), ...at(100, 0.88, 0.85), ...fails]).N2).toBe(false);
    // 1.5 points below BN at K = 50: inside the CI tolerance (2), outside the full one (1).
    expect(verdicts(c, [...at(20, 0.934, 0.911), ...at(50, 0.9, 0.915), ...at(100, 0.93, 0.855), ...fails]).N3).toBe(false);
    expect(verdicts(c, [...good.slice(0, 9), fake('plain', 50, NaN), fake('rescale-noalpha', 50, 0.2), fake('plain', 100, 0.7), fake('rescale-noalpha', 100, 0.2)]).N4).toBe(false);
  });
  it('not measured without K = 100 runs (or K = 100 failures)', () => {
    expect(verdicts(c, good.filter((r) => r.depth !== 100)).N2).toBeNull();
    expect(verdicts(c, good.filter((r) => !(r.variant === 'bn' && r.depth === 100))).N3).toBeNull();
    expect(verdicts(c, good.filter((r) => !(r.variant === 'rescale-noalpha' && r.depth === 100))).N4).toBeNull();
  });
});
