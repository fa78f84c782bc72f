// Compiled forward passes over a whole data set in fixed-size batches (one plan per batch
// size): accuracy, and the GCE weight update [p > k] per example.
import { batches, type Dataset } from '../../data/batches.js';
import { compile, type CompiledStep } from '../../graph/compile.js';
import { countCorrect } from '../../kernels/loss/argmax.js';
import { gceKeep } from './loss.js';
import type { Module } from '../../nn/module.js';

export class Evaluator {
  private readonly steps = new Map<string, CompiledStep>();

  /** `k` is the truncation threshold keep() uses (0.5 by default; unused by accuracy()). */
  constructor(
    readonly model: Module,
    private readonly k = 0.5,
  ) {}

  private async step(ds: Dataset, size: number): Promise<CompiledStep> {
    const key = `${ds.shape.join('x')}/${size}`;
    let step = this.steps.get(key);
    if (!step) {
      this.model.eval();
      step = await compile({ x: { shape: [size, ...ds.shape] }, y: { shape: [size], dtype: 'u32' } }, ({ x, y }) => {
        const logits = this.model.forward(x!);
        return { correct: countCorrect(logits, y!), keep: gceKeep(logits, y!, this.k) };
      });
      this.model.train();
      this.steps.set(key, step);
    }
    return step;
  }

  /** Fraction of examples whose argmax is their label. */
  async accuracy(ds: Dataset, batchSize = 500): Promise<number> {
    let correct = 0;
    for (const b of batches(ds, { batchSize, shuffle: false })) {
      correct += (await (await this.step(ds, b.size)).run({ x: b.x, y: b.y }, { read: ['correct'] })).correct![0]!;
    }
    return correct / ds.n;
  }

  /** Per example, 1 where softmax(model(x))[label] > k, else 0. */
  async keep(ds: Dataset, batchSize = 500): Promise<Float32Array> {
    const out = new Float32Array(ds.n);
    let at = 0;
    for (const b of batches(ds, { batchSize, shuffle: false })) {
      out.set((await (await this.step(ds, b.size)).run({ x: b.x, y: b.y }, { read: ['keep'] })).keep! as Float32Array, at);
      at += b.size;
    }
    return out;
  }

  dispose(): void {
    for (const s of this.steps.values()) s.dispose();
    this.steps.clear();
  }
}
