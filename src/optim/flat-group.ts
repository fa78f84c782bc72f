// A parameter group in flat buffers: the parameters, their gradients and each optimizer state
// buffer laid out alike in one f32 buffer apiece, every parameter at a 256-byte boundary
// (WebGPU's largest minStorageBufferOffsetAlignment) so that each can be bound as a view. An
// elementwise update kernel then runs once over the whole group instead of once per parameter;
// the gaps stay zero, and every update maps a zero weight with a zero gradient and zero state to
// zero, so they never change.
//
// The parameters move: their storage becomes a slice of the group's buffer (values copied on the
// GPU), so the model keeps the same Tensor objects; a step compiled before the move rebuilds its
// plan at its next run. A second optimizer over the same parameter list reuses the buffer
// instead of moving them again.
import { runtime } from '../graph/runtime.js';
import { leafOn, zeros } from '../tensor/create.js';
import type { Storage, Tensor } from '../tensor/tensor.js';

/** Bytes every parameter's region starts on. */
export const REGION_ALIGN = 256;

const alignUp = (bytes: number) => Math.ceil(bytes / REGION_ALIGN) * REGION_ALIGN;

/** Flat parameter buffers made here, and the parameter list each holds, to reuse them. */
const packed = new WeakMap<GPUBuffer, { storage: Storage; params: readonly Tensor[] }>();

/**
 * Splits `params` (in order) into runs whose flat buffer fits one binding of `maxBytes`; a
 * parameter too large for any group gets a group of its own (its update then fails with the
 * binding limit's message, as it would alone).
 */
export function partition(params: readonly Tensor[], maxBytes: number): Tensor[][] {
  const groups: Tensor[][] = [];
  let bytes = Infinity;
  for (const p of params) {
    const size = alignUp(p.bytes);
    if (bytes + size > maxBytes) {
      groups.push([]);
      bytes = 0;
    }
    groups.at(-1)!.push(p);
    bytes += size;
  }
  return groups;
}

export class FlatGroup {
  /** Where each parameter's region starts, in bytes. */
  readonly byteOffsets: readonly number[];
  readonly params: Tensor;
  readonly grads: Tensor;
  /** Per state buffer name, the flat buffer. */
  readonly slots: Record<string, Tensor> = {};
  /** Per parameter, its views into the state buffers (what Optimizer.state() hands out). */
  readonly slotViews: Record<string, Tensor>[];

  constructor(
    readonly members: readonly Tensor[],
    slotNames: readonly string[],
    what: string,
  ) {
    const rt = runtime();
    let end = 0;
    this.byteOffsets = members.map((p) => {
      const at = end;
      end += alignUp(p.bytes);
      return at;
    });
    const length = end / 4;
    this.params = rt.keep(leafOn(this.paramStorage(end, what), [length], `${what}/params`));
    this.grads = rt.keep(zeros([length], `${what}/grads`));
    for (const name of slotNames) this.slots[name] = rt.keep(zeros([length], `${what}/${name}`));
    this.slotViews = members.map((p, i) =>
      Object.fromEntries(
        slotNames.map((name) => {
          const slice = this.slots[name]!.storage!.slice(this.byteOffsets[i]!, p.bytes);
          return [name, rt.keep(leafOn(slice, p.shape, `${what}/${name}`))];
        }),
      ),
    );
  }

  /** The flat buffer the members live in: the one they already share, or a new one they move into. */
  private paramStorage(bytes: number, what: string): Storage {
    const rt = runtime();
    const first = this.members[0]!.storage!;
    const existing = packed.get(first.buffer);
    const inPlace = existing?.params.length === this.members.length &&
      existing.storage.bytes === bytes &&
      this.members.every((p, i) => p === existing.params[i] && p.storage!.buffer === first.buffer && p.storage!.offset === existing.storage.offset + this.byteOffsets[i]!);
    if (inPlace) return existing!.storage.retain();

    const flat = rt.allocate(bytes, `${what}/params`);
    rt.write(flat.buffer, new Uint8Array(bytes), flat.offset);
    this.moveInto(flat);
    packed.set(flat.buffer, { storage: flat, params: [...this.members] });
    return flat;
  }

  /** Copies every member that lives elsewhere into its region of `flat` and makes that its storage. */
  private moveInto(flat: Storage): void {
    const rt = runtime();
    this.members.forEach((p, i) => {
      const old = p.storage!;
      if (old.buffer === flat.buffer && old.offset === flat.offset + this.byteOffsets[i]!) return;
      const region = flat.slice(this.byteOffsets[i]!, p.bytes);
      rt.copy(rt.refOf(p, 'optimizer'), { buffer: region.buffer, offset: region.offset, size: p.bytes });
      p.storage = region;
      old.release();
    });
  }

  /**
   * Brings back members that another optimizer (over a different parameter list) moved into its
   * own buffer since, with their current values. Compiled steps that bind the members elsewhere
   * rebuild their plans at their next run (CompiledStep, Plan.stale).
   */
  gather(): void {
    for (const p of this.members) p.assertAlive('optimizer step');
    this.moveInto(this.params.storage!);
  }

  dispose(): void {
    this.params.dispose();
    this.grads.dispose();
    for (const t of Object.values(this.slots)) t.dispose();
    for (const views of this.slotViews) for (const t of Object.values(views)) t.dispose();
  }
}
