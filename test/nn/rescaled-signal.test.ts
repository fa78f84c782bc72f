// N1 (signal propagation at init, normalization-free spec §7): on 512 training digits, the
// rescaled net's mean squared activation stays within a factor 4 of the first block's at every
// depth, while the plain residual net's grows by more than 1e3 over 20 blocks.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/node/mnist.js';
import { ResidualMlp, type Variant } from '../../src/experiments/normfree/model.js';
import { meanSquarePerStage } from '../../src/nn/probe.js';
import { tensor } from '../../src/tensor/create.js';
import { gpu } from '../setup.js';

beforeAll(gpu);

async function blockSignal(variant: Variant, depth: number): Promise<number[]> {
  const { train } = await loadMnist();
  const x = tensor(train.x.subarray(0, 512 * 784), [512, 1, 28, 28]);
  const net = new ResidualMlp(variant, depth, 64, 784, 10, 0);
  try {
    return (await meanSquarePerStage([net.stem, ...net.blocks], x)).slice(1);
  } finally {
    net.dispose();
    x.dispose();
  }
}

describe('N1: signal propagation at init', () => {
  for (const depth of [20, 50, 100]) {
    it(`RESCALE stays within a factor 4 of block 1 over ${depth} blocks`, async () => {
      const ms = await blockSignal('rescale', depth);
      expect(ms).toHaveLength(depth);
      for (const v of ms) {
        expect(v).toBeGreaterThan(ms[0]! / 4);
        expect(v).toBeLessThan(ms[0]! * 4);
      }
    });
  }

  it('PLAIN grows by more than 1e3 over 20 blocks (and overflows by 100)', async () => {
    const ms = await blockSignal('plain', 20);
    expect(ms.at(-1)! / ms[0]!).toBeGreaterThan(1e3);
    const deep = await blockSignal('plain', 100);
    expect(Number.isFinite(deep.at(-1)!) && deep.at(-1)! < 1e30).toBe(false);
  });
});
