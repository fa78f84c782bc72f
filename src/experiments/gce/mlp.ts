// The small MLP both noisy-label (GCE) and tempering (CTLD) reproductions train, and the
// snapshot (parameters and buffers) the GCE pruning step evaluates.
import { runtime } from '../../graph/runtime.js';
import { Linear } from '../../nn/layers/linear.js';
import { Flatten, Sequential } from '../../nn/layers/sequential.js';
import type { Module } from '../../nn/module.js';

/**
 * inputs → hidden… → classes, ReLU between layers, zero biases. Weights N(0, 1/(3·fan_in)):
 * the variance of the U(±1/sqrt(fan_in)) draws our specs' reference runs used.
 */
export function experimentMlp(inputs: number, hidden: readonly number[], classes: number, seed: number): Sequential {
  const widths = [inputs, ...hidden, classes];
  const layers = widths.slice(1).map(
    (out, i) =>
      new Linear(widths[i]!, out, {
        activation: i < hidden.length ? 'relu' : 'none',
        init: { gaussian: 1 / Math.sqrt(3 * widths[i]!) },
        seed: seed * 16 + i,
      }),
  );
  return new Sequential(new Flatten(), ...layers);
}

/** Copies every parameter and buffer (batch norm's running statistics) of `from` into the same-shaped ones of `to` (via the CPU). */
export async function copyState(from: Module, to: Module): Promise<void> {
  const src = Object.values(from.stateDict());
  const dst = Object.values(to.stateDict());
  const values = await Promise.all(src.map((t) => t.data()));
  const rt = runtime();
  dst.forEach((t, i) => rt.writeTensor(t, values[i]!));
}
