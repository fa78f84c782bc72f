// What every first-order optimizer shares: the parameter list, per-parameter state buffers,
// and the hyperparameter block on the GPU (learning rate, step count, bias corrections).
//
// step() records one `advanceStep` effect and then the update effects. An optimizer whose update
// is elementwise (SGD, Adam, RMSprop) keeps its parameters, gradients and state in flat buffers
// per group (src/optim/flat-group.ts) and updates a whole group with one dispatch; the others
// update each parameter with a dispatch of its own. step() works eagerly (the kernels run at
// once) and inside compile() (they become part of the plan).
// A compiled plan runs no CPU code per step, so the step counter and Adam's bias corrections
// advance on the GPU, and setting `lr` rewrites the block's first word: schedules and the step
// count take effect in a compiled plan without recompiling.
import { fail } from '../device/errors.js';
import { runtime } from '../graph/runtime.js';
import { hyperWords, advanceStep, packHyper, unpackHyper } from '../kernels/optim/hyper.js';
import { packGradients } from '../kernels/optim/pack.js';
import { checkPerElement } from '../kernels/optim/update.js';
import { tensor, zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { FlatGroup, partition } from './flat-group.js';

/** Saved optimizer state: live tensors from state(), or their values read back. */
export type OptimizerState = Record<string, Tensor | Float32Array | Uint32Array>;

export function requireNonNegative(what: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) fail(`${what}: ${name} = ${v} must be a finite number >= 0`);
}

export function requireBelowOne(what: string, name: string, v: number): void {
  if (!(v >= 0 && v < 1)) fail(`${what}: ${name} = ${v} must be in [0, 1)`);
}

export abstract class Optimizer {
  readonly params: readonly Tensor[];
  /** Per parameter, its state buffers by PyTorch's names (e.g. exp_avg): views into a group's when fused. */
  private readonly slots: readonly Record<string, Tensor>[];
  /** The flat groups of an elementwise optimizer, in parameter order (empty when not fused). */
  private readonly groups: readonly FlatGroup[];
  private readonly hyper: Tensor;
  private lrValue: number;

  /**
   * @param slotNames the state buffers each parameter needs, zero-filled
   * @param decay 1 − β of the moving averages whose bias the GPU should track (0: none)
   * @param fused update() is elementwise, the same for every element given its parameter,
   *   gradient and state values, so it can run once over a group's flat buffers
   */
  protected constructor(
    private readonly what: string,
    params: readonly Tensor[],
    lr: number,
    slotNames: readonly string[],
    private readonly decay: readonly [number, number] = [0, 0],
    fused = false,
  ) {
    if (!params.length) fail(`${what}: no parameters given`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor) || p.kind !== 'leaf') fail(`${what}: parameter ${i} (${p}) is not a leaf tensor; pass the model's parameters`);
      p.assertAlive(what);
      if (p.dtype !== 'f32') fail(`${what}: parameter ${p} is ${p.dtype}; optimizers update f32 parameters`);
      if (params.indexOf(p) !== i) fail(`${what}: parameter ${p} is listed twice`);
    });
    requireNonNegative(what, 'lr', lr);
    if (runtime().tracing) fail(`${what}: create the optimizer before compile(), not inside it`);
    this.params = [...params];
    this.lrValue = lr;
    const rt = runtime();
    this.hyper = rt.keep(tensor(packHyper({ lr, step: 0, debias: [0, 0] }), [hyperWords()], 'u32', `${what}/hyper`));
    if (fused) {
      this.groups = partition(this.params, rt.gpu.limits.maxStorageBufferBindingSize).map((members) => new FlatGroup(members, slotNames, what));
      this.slots = this.groups.flatMap((g) => g.slotViews);
    } else {
      this.groups = [];
      this.slots = this.params.map((p) =>
        Object.fromEntries(slotNames.map((name) => [name, rt.keep(zeros(p.shape, `${what}/${name}`))])),
      );
    }
  }

  get lr(): number {
    return this.lrValue;
  }

  /** Takes effect at the next step, eager or compiled. */
  set lr(value: number) {
    requireNonNegative(this.what, 'lr', value);
    this.hyper.assertAlive(`${this.what}.lr`);
    this.lrValue = value;
    runtime().write(this.hyper.storage!.buffer, Float32Array.of(value));
  }

  /**
   * The fused in-place update of one parameter, or (fused optimizers) of a group's flat buffers;
   * returns the effect tensor.
   */
  protected abstract update(param: Tensor, grad: Tensor, slots: Record<string, Tensor>, hyper: Tensor): Tensor;

  /**
   * Updates every parameter that has a `.grad` (others are left alone). Call after backward(),
   * eagerly or inside compile(). The step count is shared by all parameters. A group whose
   * parameters all have gradients takes one dispatch (inside compile() the gradients are computed
   * into its flat buffer); otherwise its parameters with gradients are updated one by one.
   */
  step(): void {
    // Check first: a failure after the counter advanced would leave half a step behind.
    for (const p of this.params) if (p.grad) checkPerElement(this.what, p, { grad: p.grad });
    for (const g of this.groups) g.gather();
    const effects = [advanceStep(this.hyper, this.decay)];
    const single = (p: Tensor, i: number) => {
      if (p.grad) effects.push(this.update(p, p.grad, this.slots[i]!, this.hyper));
    };
    if (this.groups.length) {
      let first = 0;
      for (const g of this.groups) {
        const grads = g.members.map((p) => p.grad);
        if (grads.every((x) => x !== null)) {
          effects.push(packGradients(g.grads, grads, g.byteOffsets), this.update(g.params, g.grads, g.slots, this.hyper));
        } else {
          g.members.forEach((p, j) => single(p, first + j));
        }
        first += g.members.length;
      }
    } else {
      this.params.forEach(single);
    }
    // Eagerly the kernels are already queued; while tracing the plan still needs the effects.
    if (!runtime().tracing) for (const e of effects) e.dispose();
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * The live state buffers, for checkpoints: `hyper` (u32 words [lr f32 bits, step, 1 − β₁ᵗ,
   * 1 − β₂ᵗ]) and `<param index>.<name>` per state buffer. Read them with `.data()` to save.
   */
  state(): Record<string, Tensor> {
    const out: Record<string, Tensor> = { hyper: this.hyper };
    this.slots.forEach((slots, i) => {
      for (const [name, t] of Object.entries(slots)) out[`${i}.${name}`] = t;
    });
    return out;
  }

  /** Restores what state() gave (learning rate and step count included); the parameters are not touched. */
  async loadState(saved: OptimizerState): Promise<void> {
    const own = this.state();
    for (const key of Object.keys(saved)) if (!(key in own)) fail(`${this.what}.loadState: unknown entry '${key}'; expected ${Object.keys(own).join(', ')}`);
    const values: [Tensor, Float32Array | Uint32Array | Int32Array][] = [];
    for (const [key, target] of Object.entries(own)) {
      const v = saved[key];
      if (!v) fail(`${this.what}.loadState: entry '${key}' is missing`);
      const data = v instanceof Tensor ? await v.data() : v;
      if (data.byteLength !== target.bytes) {
        fail(`${this.what}.loadState: '${key}' has ${data.byteLength} bytes, expected ${target.bytes} for ${target}`);
      }
      values.push([target, data]);
    }
    const rt = runtime();
    for (const [target, data] of values) rt.writeTensor(target, data);
    const hyper = values.find(([t]) => t === this.hyper)![1];
    this.lrValue = unpackHyper(new Uint32Array(hyper.buffer, hyper.byteOffset, hyperWords())).lr;
  }

  /** Steps taken so far (reads the GPU's counter back). */
  async stepCount(): Promise<number> {
    return unpackHyper((await this.hyper.data()) as Uint32Array).step;
  }

  /** Frees the optimizer's state buffers. */
  dispose(): void {
    this.hyper.dispose();
    if (this.groups.length) for (const g of this.groups) g.dispose();
    else for (const slots of this.slots) for (const t of Object.values(slots)) t.dispose();
  }
}
