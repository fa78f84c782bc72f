// Reverse-mode autodiff as in micrograd: one topological order, walked backwards once,
// gradients summed where a value feeds several consumers.
import { fail } from '../device/errors.js';
import { full } from '../tensor/create.js';
import { engine, type Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { accumulate } from './accumulate.js';

/** What backward() needs from the runtime that runs it (src/graph/runtime.ts). */
export interface AutogradHost {
  gradEnabled: boolean;
  readonly tracing: { readonly gradLeaves: Set<Tensor> } | null;
  /** A kept, read-only constant leaf (the seed gradient of a scalar op output). */
  constant(shape: readonly number[], value: number): Tensor;
  /** Takes a tensor out of every tidy() scope. */
  keep<T extends Tensor>(t: T): T;
}

/** Nodes that lead to `root` through tensors requiring grad, inputs before outputs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push([t, true]);
    for (const x of t.node?.inputs ?? []) if (x.requiresGrad && !seen.has(x.id)) stack.push([x, false]);
  }
  return order;
}

export function backward(rt: AutogradHost, root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) fail(`backward(): ${root} does not depend on any tensor that requires grad`);
  if (!seed && root.numel !== 1) fail(`backward(): ${root} is not a scalar; pass the output gradient explicitly`);
  if (seed && !sameShape(seed.shape, root.shape)) {
    fail(`backward(): seed shape ${fmt(seed.shape)} differs from output shape ${fmt(root.shape)}`);
  }
  const grads = new Map<number, Tensor>();
  // A leaf root would take the shared constant as its own .grad (and dispose it later): give it a fresh one.
  grads.set(root.id, seed ?? (root.node ? rt.constant(root.shape, 1) : full(root.shape, 1)));
  const order = topoOrder(root);
  const wasEnabled = rt.gradEnabled;
  rt.gradEnabled = false; // gradients of gradients are not recorded
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t.id);
      if (!g) continue;
      if (!t.node) {
        // A trainable leaf: gradients accumulate across backward() calls until zeroed.
        const prev = t.grad;
        t.grad = rt.keep(prev ? accumulate(prev, g) : g);
        if (prev) prev.dispose();
        rt.tracing?.gradLeaves.add(t);
        continue;
      }
      if (t.retainsGrad) {
        t.grad = g;
        rt.tracing?.gradLeaves.add(t);
      }
      const op = t.node.op;
      const inGrads = op.backward!(g, t.node, t);
      t.node.inputs.forEach((x, j) => {
        const gx = inGrads[j];
        if (!x.requiresGrad || !gx) return;
        if (!sameShape(gx.shape, x.shape)) {
          fail(`internal: ${op.name} backward gave a gradient of shape ${fmt(gx.shape)} for input ${fmt(x.shape)}`);
        }
        const prev = grads.get(x.id);
        grads.set(x.id, prev ? accumulate(prev, gx) : gx);
      });
    }
  } finally {
    rt.gradEnabled = wasEnabled;
  }
}

/** Runs `fn` without recording gradients (evaluation, optimizer arithmetic). */
export function noGrad<T>(fn: () => T): T {
  const rt = engine();
  const was = rt.gradEnabled;
  rt.gradEnabled = false;
  try {
    return fn();
  } finally {
    rt.gradEnabled = was;
  }
}
