// CTLD's verdicts on made-up results: each one passes, fails and is "not measured" when the
// numbers it needs are absent (spec §10 B bars).
import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG, type CtldResult } from '../../../src/experiments/ctld/config.js';
import { TOY_SPEC, type ToyChain, type ToyVariant } from '../../../src/experiments/ctld/toy.js';
import type { Method, MethodRun, Phase1Report } from '../../../src/experiments/ctld/train.js';
import { accuracyVerdict, crossingVerdict, slowAlphaVerdict, switchVerdict, temperatureVerdict, toyColdVerdict } from '../../../src/experiments/ctld/verdicts.js';

function phase1(notColdFraction: number, switchAlpha = 0.1, capTriggered = false, extraSteps = 3): Phase1Report {
  return { steps: 800, extraSteps, notColdFraction, hotFraction: 0.1, switchAlpha, capTriggered, alphaTrace: [], binMeans: [] };
}

function run(method: Method, seed: number, finalTest: number, p1: Phase1Report | null = null): MethodRun {
  return { method, seed, epochs: [], finalTest, phase1: p1, seconds: 1 };
}

// The quick profile's config: its looser margins of old (1.0 points, 15%) must not apply.
const result = (runs: MethodRun[]): CtldResult => ({ config: QUICK_CONFIG, runs, toy: null });

/** Accuracies in points for SGD-m, Adam and CTLD over two seeds (same on both). */
const accuracies = (sgdm: number, adam: number, ctld: number) =>
  [1, 2].flatMap((s) => [run('sgdm', s, sgdm / 100), run('adam', s, adam / 100), run('ctld', s, ctld / 100, phase1(0.5))]);

describe('CTLD verdicts', () => {
  it('(i) accuracy: CTLD within 0.3 points of SGD-m and of Adam', () => {
    expect(accuracyVerdict(result(accuracies(96.0, 95.8, 95.75))).verdict).toBe('supported');
    expect(accuracyVerdict(result(accuracies(96.0, 95.0, 95.6))).verdict).toBe('not supported'); // 0.4 below SGD-m
    expect(accuracyVerdict(result(accuracies(95.0, 96.0, 95.6))).verdict).toBe('not supported'); // 0.4 below Adam
    const noAdam = accuracies(96.0, 96.0, 96.0).filter((r) => r.method !== 'adam');
    expect(accuracyVerdict(result(noAdam)).verdict).toBe('not measured');
    expect(accuracyVerdict(result([])).verdict).toBe('not measured');
  });

  it('(ii) temperature dynamics: not-cold fraction in [0.2, 0.8]', () => {
    const ctld = (a: number, b: number) => result([run('ctld', 1, 0.9, phase1(a)), run('ctld', 2, 0.9, phase1(b))]);
    expect(temperatureVerdict(ctld(0.4, 0.6)).verdict).toBe('supported');
    expect(temperatureVerdict(ctld(0.1, 0.2)).verdict).toBe('not supported'); // mean 0.15
    expect(temperatureVerdict(ctld(0.9, 0.8)).verdict).toBe('not supported');
    expect(temperatureVerdict(result([run('sgdm', 1, 0.9)])).verdict).toBe('not measured');
    expect(temperatureVerdict(result([run('ctld', 1, 0.9, null)])).verdict).toBe('not measured');
  });

  it('(iii) slow α: not-cold fraction below 5%', () => {
    const slow = (v: number) => result([run('ctld-slow-alpha', 1, 0.9, phase1(v))]);
    expect(slowAlphaVerdict(slow(0.03)).verdict).toBe('supported');
    expect(slowAlphaVerdict(slow(0.07)).verdict).toBe('not supported'); // the old quick margin (15%) passed this
    expect(slowAlphaVerdict(result([run('ctld', 1, 0.9, phase1(0.01))])).verdict).toBe('not measured');
  });

  it('(iv) switch: |α| <= δ1 or cap-triggered, never after the cap', () => {
    const cap = QUICK_CONFIG.train.switchCapSteps;
    const sw = (...p: Phase1Report[]) => result(p.map((x, i) => run('ctld', i + 1, 0.9, x)));
    expect(switchVerdict(sw(phase1(0.5, 0.15), phase1(0.5, 0.9, true, cap))).verdict).toBe('supported');
    expect(switchVerdict(sw(phase1(0.5, 0.15), phase1(0.5, 0.5, false))).verdict).toBe('not supported'); // warm, no cap
    expect(switchVerdict(sw(phase1(0.5, 0.1, false, cap + 1))).verdict).toBe('not supported'); // past the cap
    expect(switchVerdict(result([run('sgdm', 1, 0.9)])).verdict).toBe('not measured');
  });
});

/** A toy study whose variant v has crossed[v] of `seeds` chains over the barrier and second-half cold fraction cold[v]. */
function toy(crossed: Record<ToyVariant, number>, cold: Record<ToyVariant, number | null>, seeds = 6): CtldResult {
  const chains: ToyChain[] = (['sghmc', 'ctld', 'ctld-no-abf'] as const).flatMap((variant) =>
    Array.from({ length: seeds }, (_, chain) => ({
      variant,
      chain,
      crossingStep: chain < crossed[variant] ? 1000 * (chain + 1) : null,
      t1Final: chain < crossed[variant] ? -1 : 1,
      coldFraction: cold[variant],
      hotFraction: cold[variant] === null ? null : 0.1,
      alphaHistogram: new Array<number>(20).fill(0),
    })),
  );
  return { config: QUICK_CONFIG, runs: [], toy: { config: { ...TOY_SPEC, chains: seeds }, chains, seconds: 1 } };
}

describe('CTLD toy-study verdicts (spec §10 A)', () => {
  const cold = { sghmc: null, ctld: 0.45, 'ctld-no-abf': 0 };
  it('crossing: SGHMC in <= 1 of 6 seeds, CTLD with the force in >= 3 of 6', () => {
    expect(crossingVerdict(toy({ sghmc: 0, ctld: 4, 'ctld-no-abf': 6 }, cold)).verdict).toBe('supported');
    expect(crossingVerdict(toy({ sghmc: 1, ctld: 3, 'ctld-no-abf': 0 }, cold)).verdict).toBe('supported');
    expect(crossingVerdict(toy({ sghmc: 2, ctld: 6, 'ctld-no-abf': 6 }, cold)).verdict).toBe('not supported'); // SGHMC crosses too
    expect(crossingVerdict(toy({ sghmc: 0, ctld: 2, 'ctld-no-abf': 6 }, cold)).verdict).toBe('not supported'); // CTLD stays
    expect(crossingVerdict(toy({ sghmc: 0, ctld: 3, 'ctld-no-abf': 3 }, cold, 5)).verdict).toBe('not measured'); // fewer than 6 seeds
    expect(crossingVerdict(result([])).verdict).toBe('not measured');
  });

  it('cold fraction: in [0.2, 0.8] with the force, <= 0.05 without', () => {
    const crossed = { sghmc: 0, ctld: 4, 'ctld-no-abf': 6 };
    expect(toyColdVerdict(toy(crossed, cold)).verdict).toBe('supported');
    expect(toyColdVerdict(toy(crossed, { ...cold, ctld: 0.15 })).verdict).toBe('not supported');
    expect(toyColdVerdict(toy(crossed, { ...cold, ctld: 0.85 })).verdict).toBe('not supported');
    expect(toyColdVerdict(toy(crossed, { ...cold, 'ctld-no-abf': 0.06 })).verdict).toBe('not supported');
    expect(toyColdVerdict(result([])).verdict).toBe('not measured');
  });
});
