// fp8Experiment with a caller's digits loader (what a browser page passes): parts A and B alone
// never load digits; with MNIST runs it loads them once and trains on the first examples.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/node/mnist.js';
import { QUICK_CONFIG, type Fp8Config } from '../../src/experiments/fp8/config.js';
import { fp8Experiment } from '../../src/experiments/fp8/experiment.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

const TINY: Fp8Config = {
  accumulation: { sizes: [1024], seeds: [1] },
  swamping: { elements: 100, steps: 100, seed: 1 },
  mnist: { ...QUICK_CONFIG.mnist, seeds: [], ablations: [] },
};

describe('fp8Experiment(loadDigits)', () => {
  it('runs A and B without asking for digits', async () => {
    let loads = 0;
    const exp = fp8Experiment(async () => (loads++, loadMnist()));
    const result = await exp.run(TINY);
    expect(loads).toBe(0);
    expect(result.mnist).toEqual([]);
    expect(result.accumulation.length).toBeGreaterThan(0);
    expect(result.swamping.map((s) => s.rounding)).toEqual(['rne', 'sr']);
  });

  it('loads the digits once for its MNIST runs and trains on the first examples', async () => {
    let loads = 0;
    const exp = fp8Experiment(async () => (loads++, loadMnist()));
    const labels: string[] = [];
    const config: Fp8Config = { ...TINY, mnist: { ...TINY.mnist, trainExamples: 1000, testExamples: 500, ablations: ['all-fp8'] } };
    const result = await exp.run(config, (e) => labels.push(e.label));
    expect(loads).toBe(1);
    expect(result.mnist.map((r) => r.variant)).toEqual(['all-fp8']);
    expect(result.mnist[0]!.epochRecords).toHaveLength(1);
    expect(labels.at(-1)).toMatch(/^C: all-fp8, lr 0\.02, seed 1, epoch 1\/1$/);
    // 10 steps of batch 100 on the first 1,000 digits: well above chance (10%) on 500 held-out digits.
    expect(result.mnist[0]!.epochRecords[0]!.testAccuracy).toBeGreaterThan(0.3);
  });
});
