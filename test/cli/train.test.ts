// The main job through the CLI's own code path: MNIST MLP on the embedded digits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainMnistMlp } from '../../src/cli/train.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

describe('gradwgsl train mnist-mlp', () => {
  it('reaches at least 95% accuracy on the 2,000 held-out digits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-train-'));
    const summary = await trainMnistMlp({
      epochs: 5, batch: 128, optimizer: 'sgd', momentum: 0.9, seed: 1,
      checkpoint: join(dir, 'ck.safetensors'), json: true,
    });
    expect(summary.epochs).toHaveLength(5);
    expect(summary.testAccuracy).toBeGreaterThanOrEqual(0.95);
    // Training actually learned: the loss fell by a large factor from the first epoch.
    expect(summary.epochs[4]!.trainLoss).toBeLessThan(summary.epochs[0]!.trainLoss / 3);
  }, 600_000);
});
