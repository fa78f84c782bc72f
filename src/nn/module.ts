// Modules own parameters (trainable leaves) and buffers (state such as running statistics),
// named by path so checkpoints and optimizers can find them.
import type { Tensor } from '../tensor/tensor.js';

export abstract class Module {
  /** Training mode changes BatchNorm and dropout; set by train()/eval(). */
  training = true;

  abstract forward(x: Tensor): Tensor;

  /** Direct sub-modules by name. */
  children(): Record<string, Module> {
    return {};
  }

  /** Trainable tensors owned directly by this module. */
  ownParameters(): Record<string, Tensor> {
    return {};
  }

  /** Non-trainable state owned directly by this module (saved in checkpoints). */
  ownBuffers(): Record<string, Tensor> {
    return {};
  }

  namedParameters(prefix = ''): Record<string, Tensor> {
    return this.collect(prefix, (m) => m.ownParameters());
  }

  namedBuffers(prefix = ''): Record<string, Tensor> {
    return this.collect(prefix, (m) => m.ownBuffers());
  }

  parameters(): Tensor[] {
    return Object.values(this.namedParameters());
  }

  /** Everything a checkpoint must hold to restore the model. */
  stateDict(): Record<string, Tensor> {
    return { ...this.namedParameters(), ...this.namedBuffers() };
  }

  train(flag = true): this {
    this.training = flag;
    for (const c of Object.values(this.children())) c.train(flag);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  dispose(): void {
    for (const t of Object.values(this.stateDict())) t.dispose();
  }

  private collect(prefix: string, own: (m: Module) => Record<string, Tensor>): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(own(this))) out[prefix + k] = t;
    for (const [name, child] of Object.entries(this.children())) {
      Object.assign(out, child.collect(`${prefix}${name}.`, own));
    }
    return out;
  }
}
